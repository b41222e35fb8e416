"""Email alerts: double opt-in, unsubscribing, sends on first publish and weekly digests, retention."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cityportal.core.models import OutboundEmail, SectionTag
from cityportal.core.scheduling import registered_jobs
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.news import alerts
from cityportal.news.models import AlertDelivery, AlertSubscription, NewsArticle
from cityportal.news.tests.factories import (
    AlertSubscriptionFactory,
    NewsArticleFactory,
    PolicyDocumentFactory,
    TopicFactory,
    news_index,
    policy_index,
)

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/[a-z-]+/alerts/confirm/[A-Za-z0-9_-]+/)")
UNSUBSCRIBE_LINK = re.compile(r"https?://[^/\s]+(/[a-z-]+/alerts/unsubscribe/[A-Za-z0-9_-]+/)")


def subscribe(client, language="en", **data):
    form = {"email": "anna@example.org", "section": "work", "topic": "", "frequency": "immediate"} | data
    return client.post(f"/{language}/alerts/", form, headers=SAME_ORIGIN)


def sent_emails(purpose: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(purpose=purpose).order_by("pk"))


def link_in(email: OutboundEmail, pattern=CONFIRM_LINK) -> str:
    return pattern.search(email.body_text)[1]


def text(response) -> str:
    return response.content.decode()


# --- Double opt-in --------------------------------------------------------------------------------


def test_double_opt_in_subscribes_only_after_the_button_is_pressed(client, portal):
    form = client.get("/en/alerts/?section=work")
    assert form.status_code == 200
    assert '<option value="work" selected>' in text(form)

    response = subscribe(client)

    assert response.status_code == 200
    assert "Check your email" in text(response)
    subscription = AlertSubscription.objects.get()
    assert (subscription.email, subscription.language, subscription.section) == (
        "anna@example.org",
        "en",
        "work",
    )
    assert subscription.confirmed_at is None
    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    confirm_path = link_in(sent_emails("alert-confirmation")[0])
    assert confirm_path.startswith("/en/alerts/confirm/")

    # Mail scanners follow links: a GET shows a button and changes nothing.
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert f'<form method="post" action="{confirm_path}"' in text(page)
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None

    confirmed = client.post(confirm_path, headers=SAME_ORIGIN)

    assert confirmed.status_code == 200
    assert "Your email alerts are confirmed" in text(confirmed)
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    # The page offers a working way out at once.
    assert alerts.unsubscribe_token(subscription) in text(confirmed)


def test_only_the_hash_of_the_token_is_stored(portal):
    token = alerts.request_subscription("anna@example.org", "en", section="work")
    subscription = AlertSubscription.objects.get()
    assert token not in subscription.token_hash
    assert subscription.token_hash == alerts.hash_token(token)


def test_a_topic_can_be_preselected_and_chosen(client, portal):
    TopicFactory(slug="visas", name_en="Visas and entry")
    page = text(client.get("/en/alerts/?topic=visas"))
    assert '<option value="visas" selected>Visas and entry</option>' in page

    subscribe(client, section="", topic="visas", frequency="weekly")

    subscription = AlertSubscription.objects.get()
    assert (subscription.section, subscription.topic.slug, subscription.frequency) == ("", "visas", "weekly")


@pytest.mark.parametrize("token", ["x" * 43, "1-" + "x" * 43])
def test_a_wrong_link_is_a_localised_not_found_page(client, portal, token):
    subscription = AlertSubscriptionFactory(language="de")
    for path in (f"/de/alerts/confirm/{token}/", f"/de/alerts/unsubscribe/{token}/"):
        for method in (client.get, client.post):
            response = method(path, headers=SAME_ORIGIN)
            assert response.status_code == 404
            assert '<html lang="de"' in text(response)
            assert "no-store" in response["Cache-Control"]
    assert AlertSubscription.objects.filter(pk=subscription.pk).exists()


def test_a_tampered_unsubscribe_link_is_refused(client, portal):
    subscription = AlertSubscriptionFactory()
    token = alerts.unsubscribe_token(subscription)
    other = AlertSubscriptionFactory()
    forged = f"{other.pk}-{token.partition('-')[2]}"  # someone else's id with this signature

    assert client.post(f"/en/alerts/unsubscribe/{forged}/").status_code == 404
    assert AlertSubscription.objects.count() == 2


def test_an_expired_request_cannot_be_confirmed(client, portal):
    token = alerts.request_subscription("anna@example.org", "en", section="work")
    AlertSubscription.objects.update(created_at=timezone.now() - timedelta(days=8))

    response = client.post(f"/en/alerts/confirm/{token}/", headers=SAME_ORIGIN)

    assert response.status_code == 404
    assert AlertSubscription.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"section": "", "topic": ""}, "Choose a section or a policy topic to receive alerts about."),
        ({"section": "work", "topic": "visas"}, "Choose either a section or a policy topic, not both."),
        ({"section": "nowhere"}, "Select a valid choice."),
        ({"frequency": "hourly"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_explained_and_writes_nothing(client, portal, data, error):
    TopicFactory(slug="visas")

    response = subscribe(client, **data)

    assert response.status_code == 200
    assert error in text(response)
    assert 'class="error-summary"' in text(response)
    assert not AlertSubscription.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_post_from_another_site_is_refused(client, portal):
    response = client.post(
        "/en/alerts/",
        {"email": "anna@example.org", "section": "work"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert not AlertSubscription.objects.exists()


def test_the_same_address_twice_renews_the_request_and_reveals_nothing(client, portal):
    first = text(subscribe(client))
    second = text(subscribe(client, frequency="weekly"))

    assert AlertSubscription.objects.count() == 1
    assert AlertSubscription.objects.get().frequency == "weekly"
    old_link, new_link = (link_in(email) for email in sent_emails("alert-confirmation"))
    assert old_link != new_link
    assert client.post(old_link, headers=SAME_ORIGIN).status_code == 404  # replaced by the new one
    assert client.post(new_link, headers=SAME_ORIGIN).status_code == 200

    third = text(subscribe(client))

    # The page is the same whether the address was new, pending or already subscribed.
    assert first == second == third
    assert len(sent_emails("alert-already-subscribed")) == 1
    assert len(sent_emails("alert-confirmation")) == 2
    assert AlertSubscription.objects.get().frequency == "weekly"  # nothing changed


def test_an_address_is_rate_limited(client, portal):
    for section in ("work", "study", "live"):
        assert subscribe(client, section=section).status_code == 200
    response = subscribe(client, section="travel")
    assert response.status_code == 429
    assert AlertSubscription.objects.count() == 3


# --- Unsubscribing --------------------------------------------------------------------------------


def test_an_unsubscribe_link_asks_before_it_deletes(client, portal):
    subscription = AlertSubscriptionFactory()
    path = f"/en/alerts/unsubscribe/{alerts.unsubscribe_token(subscription)}/"

    page = client.get(path)

    assert page.status_code == 200
    assert f'<form method="post" action="{path}"' in text(page)
    assert AlertSubscription.objects.filter(pk=subscription.pk).exists()

    done = client.post(path, headers=SAME_ORIGIN)

    assert done.status_code == 200
    assert "Email alerts stopped" in text(done)
    assert not AlertSubscription.objects.filter(pk=subscription.pk).exists()
    assert "/en/alerts/?section=work" in text(done)  # subscribe again


def test_one_click_unsubscribe_works_from_a_mail_providers_server(portal):
    subscription = AlertSubscriptionFactory()
    AlertDelivery.objects.create(subscription=subscription, page=Page.objects.filter(depth=2).first())
    path = reverse("alerts:unsubscribe", kwargs={"token": alerts.unsubscribe_token(subscription)})
    provider = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token, another origin

    response = provider.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": "https://mail.example.net", "Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not AlertSubscription.objects.exists()
    assert not AlertDelivery.objects.exists()


# --- Sending on publish ---------------------------------------------------------------------------


@pytest.fixture
def audience(portal):
    """Who should and should not hear about an English Work article tagged "visas"."""
    visas = TopicFactory(slug="visas")
    return {
        "visas": visas,
        "work": AlertSubscriptionFactory(email="work@example.org"),
        "work-too": AlertSubscriptionFactory(email="work2@example.org"),
        "topic": AlertSubscriptionFactory(email="visas@example.org", section="", topic=visas),
        "study": AlertSubscriptionFactory(email="study@example.org", section="study"),
        "german": AlertSubscriptionFactory(email="german@example.org", language="de"),
        "weekly": AlertSubscriptionFactory(email="weekly@example.org", frequency="weekly"),
        "pending": AlertSubscriptionFactory(email="pending@example.org", confirmed_at=None),
    }


def english_article(portal, **fields) -> NewsArticle:
    return NewsArticleFactory(parent=news_index(portal.homes["en"]), **fields)


def alert_recipients() -> list[str]:
    return sorted(address for email in sent_emails("alert") for address in email.to)


def test_a_first_publish_emails_each_matching_subscriber_once_through_the_task_queue(portal, audience):
    article = english_article(
        portal, title="New work permit rules", sections=["work"], topics=[audience["visas"]]
    )

    assert DBTaskResult.objects.filter(task_path="cityportal.news.tasks.send_page_alerts").count() == 1
    assert alert_recipients() == []  # nothing is sent before the worker runs
    run_queued_tasks()

    assert alert_recipients() == ["visas@example.org", "work2@example.org", "work@example.org"]
    assert {message.to[0] for message in mail.outbox} == {
        "visas@example.org",
        "work2@example.org",
        "work@example.org",
    }
    assert AlertDelivery.objects.filter(page=article).count() == 3

    # A correction, or an unpublish and a republish, sends nothing new.
    article.title = "New work permit rules (corrected)"
    article.save_revision().publish()
    article.unpublish()
    article.save_revision().publish()
    run_queued_tasks()
    assert len(sent_emails("alert")) == 3


def test_running_the_alert_task_twice_sends_nothing_more(portal, audience):
    article = english_article(portal, sections=["work"])
    assert alerts.send_page_alerts(article.pk) == 2
    assert alerts.send_page_alerts(article.pk) == 0
    assert len(sent_emails("alert")) == 2


def test_a_policy_reaches_its_topics_and_sections_subscribers(portal, audience):
    index = policy_index(portal.homes["en"])
    PolicyDocumentFactory(parent=index, sections=["study"], topics=[audience["visas"]])
    run_queued_tasks()
    assert alert_recipients() == ["study@example.org", "visas@example.org"]


def test_a_chinese_article_does_not_reach_english_subscribers(portal, audience):
    NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), sections=["work"])
    run_queued_tasks()
    assert alert_recipients() == []


def test_a_translation_published_later_reaches_its_languages_subscribers(portal, audience):
    from cityportal.news.tests.factories import translate

    source = NewsArticleFactory(parent=news_index(portal.homes["zh-hans"]), sections=["work"])
    news_index(portal.homes["de"])
    translate(source, "de", title="Neue Regeln")
    run_queued_tasks()
    assert alert_recipients() == ["german@example.org"]


def test_a_scheduled_article_is_announced_when_it_goes_live(portal, audience):
    index = news_index(portal.homes["en"])
    article = NewsArticle(
        title="Scheduled",
        slug="scheduled",
        summary="",
        body=[],
        go_live_at=timezone.now() + timedelta(seconds=2),
    )
    index.add_child(instance=article)
    article.sections.set(SectionTag.objects.filter(code="work"))
    article.save_revision().publish()  # only scheduled: not live yet
    run_queued_tasks()
    assert alert_recipients() == []

    time.sleep(2.5)
    call_command("publish_scheduled", stdout=StringIO())
    run_queued_tasks()

    assert NewsArticle.objects.get(pk=article.pk).live
    assert alert_recipients() == ["work2@example.org", "work@example.org"]


def test_an_old_item_imported_from_an_archive_is_not_announced(portal, audience):
    english_article(portal, sections=["work"], date=timezone.now() - timedelta(days=400))
    run_queued_tasks()
    assert alert_recipients() == []


# --- Weekly digests -------------------------------------------------------------------------------


def published(page, ago: timedelta):
    Page.objects.filter(pk=page.pk).update(first_published_at=timezone.now() - ago)
    return page


def test_the_weekly_digest_lists_only_new_items_and_only_for_weekly_subscribers(portal):
    now = timezone.now()
    week_old = now - timedelta(days=8)
    due = AlertSubscriptionFactory(email="due@example.org", frequency="weekly", confirmed_at=week_old)
    AlertSubscriptionFactory(
        email="recent@example.org", frequency="weekly", confirmed_at=now - timedelta(days=3)
    )
    quiet = AlertSubscriptionFactory(
        email="quiet@example.org", frequency="weekly", section="consume", confirmed_at=week_old
    )
    AlertSubscriptionFactory(email="immediate@example.org", confirmed_at=week_old)
    published(english_article(portal, title="Before the subscription", sections=["work"]), timedelta(days=10))
    published(english_article(portal, title="Fresh work news", sections=["work"]), timedelta(days=2))
    policy = PolicyDocumentFactory(
        parent=policy_index(portal.homes["en"]), title="Fresh work policy", sections=["work"]
    )
    published(policy, timedelta(days=1))
    published(english_article(portal, title="Study news", sections=["study"]), timedelta(days=1))

    job = {job.name: job for job in registered_jobs()}["send-alert-digests"]
    assert job.every == timedelta(hours=1)
    assert job.function(now) == "1 weekly digest sent."

    digests = sent_emails("alert-digest")
    assert [email.to for email in digests] == [["due@example.org"]]
    body = digests[0].body_text
    assert "Fresh work news" in body and "Fresh work policy" in body
    assert "Before the subscription" not in body and "Study news" not in body
    assert body.index("Fresh work policy") < body.index("Fresh work news")  # newest first
    due.refresh_from_db()
    quiet.refresh_from_db()
    assert due.last_digest_at == now
    assert quiet.last_digest_at == now  # its week counted, though nothing was sent

    assert alerts.send_weekly_digests(now) == 0  # the same run again sends nothing
    # A week later "due" has nothing new; "recent" is due, counted from its confirmation.
    assert alerts.send_weekly_digests(now + timedelta(days=7)) == 1
    assert [email.to for email in sent_emails("alert-digest")] == [
        ["due@example.org"],
        ["recent@example.org"],
    ]


# --- Retention and data requests ------------------------------------------------------------------


def test_the_retention_purge_deletes_only_old_unconfirmed_requests(portal):
    now = timezone.now()
    old_pending = AlertSubscriptionFactory(confirmed_at=None)
    new_pending = AlertSubscriptionFactory(confirmed_at=None)
    old_confirmed = AlertSubscriptionFactory(confirmed_at=now - timedelta(days=60))
    AlertSubscription.objects.filter(pk__in=[old_pending.pk, old_confirmed.pk]).update(
        created_at=now - timedelta(days=60)
    )
    AlertSubscription.objects.filter(pk=new_pending.pk).update(created_at=now - timedelta(days=2))

    call_command("purge_personal_data", stdout=StringIO())

    assert set(AlertSubscription.objects.values_list("pk", flat=True)) == {new_pending.pk, old_confirmed.pk}


def test_the_your_data_page_finds_and_deletes_subscriptions_by_reference_and_address(portal):
    from cityportal.core.services import privacy

    mine = AlertSubscriptionFactory(email="anna@example.org")
    AlertSubscriptionFactory(email="anna@example.org", section="study")
    AlertSubscriptionFactory(email="someone@example.org")
    reference = alerts.subscription_reference(mine)

    assert privacy.find_personal_data(reference, "other@example.org", request=None, event="test") == []
    found = privacy.find_personal_data(reference, "anna@example.org", request=None, event="test")
    assert [record.provider for record in found].count("alert_subscriptions") == 2

    privacy.erase_personal_data(reference, "anna@example.org", request=None)

    assert list(AlertSubscription.objects.values_list("email", flat=True)) == ["someone@example.org"]


# --- Admin ----------------------------------------------------------------------------------------


def test_operators_see_counts_and_masked_addresses(client, portal, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("ops", "ops@example.org", "pw"))
    AlertSubscriptionFactory(email="anna@example.org")
    AlertSubscriptionFactory(email="bob@example.org", confirmed_at=None)

    page = text(client.get(reverse("alert_subscription:index")))

    assert "a•••@example.org" in page and "b•••@example.org" in page
    assert "anna@example.org" not in page
    assert re.search(r"<td>English</td><td>Work</td><td>1</td><td>1</td>", page)
