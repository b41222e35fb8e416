"""The article page, the latest news on the home and section pages, and every page's change history."""

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model

from cityportal.news.tests.factories import (
    DepartmentFactory,
    NewsArticleFactory,
    TopicFactory,
    article_in,
    news_index,
    policy_in,
)

LIST_TITLES = re.compile(r'<li><a href="[^"]+">([^<]+)</a> <time')


def main_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def photo(width=1600, height=900):
    out = BytesIO()
    PILImage.new("RGB", (width, height), (155, 28, 28)).save(out, "JPEG")
    return get_image_model().objects.create(
        title="长城", file=ImageFile(BytesIO(out.getvalue()), name="wall.jpg")
    )


def test_an_article_shows_everything_a_reader_needs(client, portal):
    department = DepartmentFactory(
        code="nia", name_zh_hans="国家移民管理局", name_en="National Immigration Administration"
    )
    topic = TopicFactory(slug="visas", name_zh_hans="签证", name_en="Visas")
    # 23:30 UTC is already the next day in Beijing: the page shows the Beijing date.
    moment = datetime(2024, 12, 17, 23, 30, tzinfo=UTC)
    versions = article_in(
        portal.homes,
        titles={"en": "Visa-free transit extended to 240 hours"},
        date=moment,
        department=department,
        source_name="新华社",
        lead_image=photo(),
        lead_image_alt="长城上的游客",
        lead_image_caption="八达岭长城",
        sections=["travel"],
        topics=[topic],
    )
    english = versions["en"]
    english.summary = "Travellers from 55 countries can stay up to 240 hours."
    english.lead_image_alt = "Visitors on the Great Wall"
    english.lead_image_caption = "The Great Wall at Badaling"
    english.source_name = "Xinhua"
    english.body = [("paragraph", "<p>The policy applies at 65 ports.</p>")]
    english.change_notes = [
        ("change", {"date": date(2025, 1, 10), "note": "Added the list of ports."}),
        ("change", {"date": date(2025, 6, 1), "note": "Indonesia added."}),
    ]
    english.save_revision().publish()

    html = main_html(client, english.url)
    assert "<h1>Visa-free transit extended to 240 hours</h1>" in html
    assert '<time datetime="2024-12-18T07:30:00+08:00">December 18, 2024</time>' in html
    assert "National Immigration Administration" in html and "Source: Xinhua" in html
    assert '<li class="tag tag--section">Travel</li>' in html and '<li class="tag">Visas</li>' in html
    assert re.search(r'<picture>.*alt="Visitors on the Great Wall".*</picture>', html, re.S)
    assert "<figcaption>The Great Wall at Badaling</figcaption>" in html
    assert "Travellers from 55 countries" in html and "The policy applies at 65 ports." in html
    assert "Last updated:" in html
    history = html[html.index('class="change-history"') :]
    assert history.index("Indonesia added.") < history.index("Added the list of ports.")  # newest first
    assert '<time datetime="2025-06-01">June 1, 2025</time>' in history


def test_an_untranslated_lead_image_alt_text_is_never_shown_in_another_language(client, portal):
    versions = article_in(portal.homes, ("en", "ar"), lead_image=photo(), lead_image_alt="长城上的游客")
    english = main_html(client, versions["en"].url)
    assert 'alt="Image not yet described in this language"' in english and "长城上的游客" not in english
    arabic = versions["ar"]
    arabic.lead_image_caption = "سور الصين العظيم"
    arabic.save_revision().publish()
    assert 'alt="سور الصين العظيم"' in main_html(client, arabic.url)  # the translated caption instead
    assert 'alt="长城上的游客"' in main_html(client, versions["zh-hans"].url)


def test_related_news_are_the_newest_of_the_same_section_in_the_same_language(client, portal):
    now = timezone.now()
    shown = article_in(portal.homes, titles={"en": "This article"}, sections=["work"], date=now)["en"]
    for days, title in enumerate(["Work one", "Work two", "Work three", "Work four"], start=1):
        article_in(
            portal.homes, titles={"en": title}, sections=["work", "live"], date=now - timedelta(days=days)
        )
    article_in(portal.homes, titles={"en": "Study news"}, sections=["study"], date=now)
    article_in(portal.homes, (), title="只有中文的工作新闻", sections=["work"], date=now)

    html = main_html(client, shown.url)
    related = html[html.index('id="related-heading"') :]
    assert re.findall(r'class="news-list__title" href="[^"]+">([^<]+)</a>', related) == [
        "Work one",
        "Work two",
        "Work three",
    ]


def test_the_home_page_lists_the_language_s_six_latest_news_with_a_link_to_all(client, portal):
    now = timezone.now()
    index = news_index(portal.homes["en"])
    for n in range(7):
        NewsArticleFactory(parent=index, title=f"English news {n}", date=now - timedelta(hours=n))
    article_in(portal.homes, (), title="中文新闻", date=now + timedelta(hours=1))

    html = main_html(client, "/en/")
    latest = html[html.index('id="latest-heading"') :]
    assert LIST_TITLES.findall(latest)[:7] == [f"English news {n}" for n in range(6)]
    assert '<a href="/en/news/">All news</a>' in latest
    assert "中文新闻" not in html


def test_the_home_page_says_when_a_language_has_no_news(client, portal):
    assert "Nothing has been published in this language yet." in main_html(client, "/en/")


def test_a_section_page_shows_its_latest_news_and_newest_policies_in_force(client, portal):
    now, today = timezone.now(), timezone.localdate()
    for n in range(4):
        article_in(
            portal.homes, titles={"en": f"Work news {n}"}, sections=["work"], date=now - timedelta(hours=n)
        )
    article_in(portal.homes, titles={"en": "Study news"}, sections=["study"], date=now)
    for n in range(4):
        policy_in(
            portal.homes,
            titles={"en": f"Work policy {n}"},
            sections=["work"],
            date_issued=today - timedelta(days=10 + n),
            effective_date=today - timedelta(days=10 + n),
        )
    policy_in(
        portal.homes,
        titles={"en": "Withdrawn policy"},
        sections=["work"],
        date_issued=today - timedelta(days=2),
        effective_date=today - timedelta(days=2),
        withdrawn_on=today - timedelta(days=1),
    )
    policy_in(
        portal.homes,
        titles={"en": "Future policy"},
        sections=["work"],
        date_issued=today - timedelta(days=1),
        effective_date=today + timedelta(days=30),
    )

    html = main_html(client, "/en/work/")
    news = html[html.index('id="section-news-heading"') : html.index('id="section-policies-heading"')]
    assert LIST_TITLES.findall(news) == ["Work news 0", "Work news 1", "Work news 2"]
    assert 'href="/en/news/work/"' in news
    policies = html[html.index('id="section-policies-heading"') :]
    assert LIST_TITLES.findall(policies) == ["Work policy 0", "Work policy 1", "Work policy 2"]
    assert 'href="/en/policies/work/"' in policies


def test_the_section_page_s_policies_follow_the_day_even_while_cached(client, portal, monkeypatch):
    tomorrow = timezone.localdate() + timedelta(days=1)
    policy_in(
        portal.homes,
        titles={"en": "Starts tomorrow"},
        sections=["live"],
        date_issued=timezone.localdate(),
        effective_date=tomorrow,
    )
    assert "Starts tomorrow" not in main_html(client, "/en/live/")

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(days=1)

    import django.template.defaulttags
    import django.utils.timezone

    monkeypatch.setattr(django.template.defaulttags, "datetime", Tomorrow)  # {% now %} in the cache key
    monkeypatch.setattr(django.utils.timezone, "now", lambda: datetime.now(UTC) + timedelta(days=1))
    assert "Starts tomorrow" in main_html(client, "/en/live/")


def test_every_page_shows_its_change_history_newest_first(client, portal):
    page = portal.guide["en"]
    page.change_notes = [
        ("change", {"date": date(2024, 3, 1), "note": "New fee <b>table</b>."}),
        ("change", {"date": date(2025, 2, 1), "note": "Office moved."}),
    ]
    page.save_revision().publish()
    html = main_html(client, page.url)
    history = html[html.index('class="change-history"') :]
    assert "<h2" in history and "Change history" in history
    assert history.index("Office moved.") < history.index("New fee")
    assert "New fee &lt;b&gt;table&lt;/b&gt;." in history  # a note is text, never markup
