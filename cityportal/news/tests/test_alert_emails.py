"""The alert emails: language, text and HTML, escaping, unsubscribe links, one email per address."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cityportal.core.models import OutboundEmail
from cityportal.core.taskqueue import run_queued_tasks
from cityportal.news import alerts
from cityportal.news.models import AlertSubscription
from cityportal.news.tests.factories import (
    AlertSubscriptionFactory,
    NewsArticleFactory,
    TopicFactory,
    news_index,
)

pytestmark = pytest.mark.django_db

UNSUBSCRIBE_PATH = re.compile(r"https?://[^/\s\"]+(/[a-z-]+/alerts/unsubscribe/[A-Za-z0-9_-]+/)")


def only(purpose: str) -> OutboundEmail:
    (email,) = OutboundEmail.objects.filter(purpose=purpose)
    return email


def test_the_confirmation_email_is_in_the_subscribers_language_in_text_and_html(portal):
    token = alerts.request_subscription("anna@example.org", "de", section="work")

    email = only("alert-confirmation")

    assert email.language == "de"
    assert email.to == ["anna@example.org"]
    link = f"/de/alerts/confirm/{token}/"
    assert link in email.body_text
    assert re.search(r'href="https?://[^"]+' + re.escape(link) + '"', email.body_html)
    assert '<html lang="de" dir="ltr">' in email.body_html
    assert alerts.subscription_reference(AlertSubscription.objects.get()) in email.body_text


def test_an_arabic_email_is_written_right_to_left(portal):
    alerts.request_subscription("amal@example.org", "ar", section="live")
    assert '<html lang="ar" dir="rtl">' in only("alert-confirmation").body_html


def test_an_address_already_subscribed_is_told_so_without_a_new_link(portal):
    subscription = AlertSubscriptionFactory(email="anna@example.org")

    assert alerts.request_subscription("Anna@Example.org ", "en", section="work") is None

    email = only("alert-already-subscribed")
    assert "/alerts/confirm/" not in email.body_text
    assert alerts.unsubscribe_token(subscription) in email.body_text
    assert not OutboundEmail.objects.filter(purpose="alert-confirmation").exists()


def test_every_alert_carries_an_unsubscribe_link_that_works_in_one_click(portal):
    subscription = AlertSubscriptionFactory(email="anna@example.org")
    NewsArticleFactory(parent=news_index(portal.homes["en"]), title="Work permits", sections=["work"])
    run_queued_tasks()

    email = only("alert")
    path = UNSUBSCRIBE_PATH.search(email.body_text)[1]
    assert path in email.body_html
    assert alerts.unsubscribe_token(subscription) in path

    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not AlertSubscription.objects.exists()


def test_the_alert_as_sent_carries_the_one_click_headers_of_rfc_8058(portal):
    subscription = AlertSubscriptionFactory(email="anna@example.org")
    NewsArticleFactory(parent=news_index(portal.homes["en"]), title="Work permits", sections=["work"])
    run_queued_tasks()

    [message] = [sent for sent in mail.outbox if sent.to == ["anna@example.org"]]
    sent = message.message()
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = sent["List-Unsubscribe"].strip("<>")
    assert url.startswith("http") and alerts.unsubscribe_token(subscription) in url


def test_an_address_with_two_matching_subscriptions_gets_one_email_naming_both(portal):
    visas = TopicFactory(slug="visas", name_en="Visas and entry")
    work = AlertSubscriptionFactory(email="anna@example.org")
    topic = AlertSubscriptionFactory(email="anna@example.org", section="", topic=visas)

    NewsArticleFactory(parent=news_index(portal.homes["en"]), sections=["work"], topics=[visas])
    run_queued_tasks()

    email = only("alert")
    assert "Visas and entry" in email.body_text and "Work" in email.body_text
    for subscription in (work, topic):
        assert alerts.unsubscribe_token(subscription) in email.body_text


def test_user_text_is_escaped_in_html_and_plain_in_text(portal):
    visas = TopicFactory(slug="visas", name_en="<i>Visas</i>")
    AlertSubscriptionFactory(email="anna@example.org", section="", topic=visas)
    weekly = AlertSubscriptionFactory(
        email="weekly@example.org", frequency="weekly", confirmed_at=timezone.now() - timedelta(days=8)
    )
    title = "<script>alert(1)</script> New visa rules"
    NewsArticleFactory(
        parent=news_index(portal.homes["en"]),
        title=title,
        summary='Summary with <img src=x onerror="alert(2)">',
        sections=["work"],
        topics=[visas],
    )
    run_queued_tasks()
    alerts.request_subscription("bob@example.org", "en", topic=visas)
    alerts.send_weekly_digests(timezone.now())

    emails = [only("alert"), only("alert-confirmation")]
    emails += list(OutboundEmail.objects.filter(purpose="alert-digest", to=[weekly.email]))
    assert len(emails) == 3
    for email in emails:
        assert "<script>" not in email.body_html
        assert "<img" not in email.body_html
        assert "<i>Visas</i>" not in email.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; New visa rules" in only("alert").body_html
    assert title in only("alert").body_text  # plain text is not HTML: written as is
    assert title in only("alert").subject
