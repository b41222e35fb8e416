"""A broken archive is refused whole: every problem named by file, record and field, nothing written."""

import pytest
from django.core.management import CommandError

from cityportal.news.models import NewsArticle
from cityportal.news.tests.factories import news_index
from cityportal.news.tests.test_import import (  # noqa: F401 - fixtures
    NEWS,
    POLICIES,
    changed_archive,
    guide,
    listings,
    media,
    run,
    state,
)

pytestmark = pytest.mark.django_db


def first_article(document: dict) -> dict:
    return document["articles"][0]


def first_policy(document: dict) -> dict:
    return document["policies"][0]


BROKEN_NEWS = [
    (
        "an unknown field",
        lambda d: first_article(d).update(author="新华社"),
        r'news.yaml: article "visa-free-transit-240-hours", author: unknown field \(expected one of: ',
    ),
    (
        "an unknown field in a translation",
        lambda d: first_article(d)["translations"]["en"].update(subtitle="Good news"),
        r'article "visa-free-transit-240-hours", translations.en.subtitle: unknown field',
    ),
    (
        "an unknown section",
        lambda d: first_article(d).update(sections=["shopping"]),
        r'article "visa-free-transit-240-hours", sections\[0\]: unknown code “shopping” \(expected one of',
    ),
    (
        "no section",
        lambda d: first_article(d).pop("sections"),
        r'article "visa-free-transit-240-hours", sections: missing: give one or more of invest, work',
    ),
    (
        "an unknown department",
        lambda d: first_article(d).update(department="nowhere"),
        r'article "visa-free-transit-240-hours", department: unknown department “nowhere”',
    ),
    (
        "an unknown topic",
        lambda d: first_article(d).update(topics=["weather"]),
        r"topics\[0\]: unknown topic “weather”: define it under topics",
    ),
    (
        "a key given twice",
        lambda d: d["articles"].append(dict(first_article(d))),
        r'article "visa-free-transit-240-hours", key: the article “visa-free-transit-240-hours” is also '
        r"given in news.yaml",
    ),
    (
        "a key that is not ASCII",
        lambda d: first_article(d).update(key="过境免签"),
        r"key: “过境免签” is not a key: use lower-case Latin letters, digits and hyphens only",
    ),
    (
        "no Chinese text",
        lambda d: first_article(d)["translations"].pop("zh-hans"),
        r"translations.zh-hans: missing: the Chinese text is the source of every translation",
    ),
    (
        "an unknown language",
        lambda d: first_article(d)["translations"].update(it={"title": "Transito"}),
        r"translations.it: unknown language",
    ),
    (
        "a date that is not one",
        lambda d: first_article(d).update(date="2024-13-17 10:00"),
        r"date: “2024-13-17 10:00” is not a date and time",
    ),
    (
        "a script in the body",
        lambda d: first_article(d)["translations"]["zh-hans"].update(
            body="<p>过境免签。</p><script>alert(1)</script>"
        ),
        r"translations.zh-hans.body: <script> is not allowed",
    ),
    (
        "an event handler in the body",
        lambda d: first_article(d)["translations"]["en"].update(body='<p onclick="steal()">Transit.</p>'),
        r"translations.en.body: the attribute onclick on <p> is not allowed",
    ),
    (
        "markup in a heading",
        lambda d: first_article(d)["translations"]["zh-hans"].update(
            body="<h3><a href='https://x.cn'>口岸</a></h3>"
        ),
        r"translations.zh-hans.body: the heading “<a href='https://x.cn'>口岸</a>” must be plain text",
    ),
    (
        "a paragraph more than the source",
        lambda d: d["articles"][1]["translations"]["en"].update(body="<p>Filing opens.</p><p>It closes.</p>"),
        r"translations.en.body: 2 headings, paragraphs and list items where the Chinese source has 1",
    ),
    (
        "a heading where the source has a paragraph",
        lambda d: d["articles"][1]["translations"]["en"].update(body="<h3>Filing</h3>"),
        r"translations.en.body: item 1 is a heading where the Chinese source has a paragraph",
    ),
    (
        "a translation without a text the source has",
        lambda d: first_article(d)["translations"]["ar"].pop("source_name"),
        r"translations.ar.source_name: missing \(the Chinese source has it\)",
    ),
    (
        "a lead image without alt text",
        lambda d: first_article(d)["translations"]["zh-hans"].pop("lead_image_alt"),
        r"translations.zh-hans.lead_image_alt: missing: say what the lead image shows",
    ),
    (
        "a lead image that is not there",
        lambda d: first_article(d).update(lead_image="images/missing.jpg"),
        r"lead_image: no such file \(",
    ),
    (
        "a lead image that is not an image",
        lambda d: first_article(d).update(lead_image="files/investment-law-zh.pdf"),
        r"lead_image: “files/investment-law-zh.pdf”: the file must end in one of .avif",
    ),
    (
        "change notes on other dates than the source's",
        lambda d: first_article(d)["translations"]["en"]["change_notes"][0].update(date="2024-12-19"),
        r"translations.en.change_notes: the dates differ from the Chinese source's",
    ),
    (
        "a summary too long",
        lambda d: first_article(d)["translations"]["en"].update(summary="Transit. " * 50),
        r"translations.en.summary: 449 characters where at most 400 fit",
    ),
    (
        "the same old address twice",
        lambda d: d["articles"][1].update(legacy_url="/art/2024/12/17/art_1234_5678.html/"),
        r'article "individual-income-tax-filing-2025", legacy_url: “/art/2024/12/17/art_1234_5678.html/” '
        r'is also the old address of news.yaml: article "visa-free-transit-240-hours"',
    ),
    (
        "another format",
        lambda d: d.update(format="cityportal-procedures/1"),
        r"news.yaml, format: must be “cityportal-news/1”",
    ),
]


@pytest.mark.parametrize(
    "change, message", [case[1:] for case in BROKEN_NEWS], ids=[case[0] for case in BROKEN_NEWS]
)
@pytest.mark.usefixtures("listings")
def test_broken_news_archives_are_refused_naming_file_record_and_field(tmp_path, change, message):
    before = state()
    with pytest.raises(CommandError, match=message) as raised:
        run("import_news", changed_archive(tmp_path, NEWS, change))
    assert "nothing was written" in str(raised.value)
    assert state() == before


BROKEN_POLICIES = [
    (
        "taking effect before it is issued",
        lambda d: first_policy(d).update(effective_date="2019-03-01"),
        r'policy "foreign-investment-law", effective_date: 2019-03-01 is before the date issued '
        r"\(2019-03-15\)",
    ),
    (
        "expiring before it takes effect",
        lambda d: first_policy(d).update(expiry_date="2019-12-31"),
        r"expiry_date: 2019-12-31 is before the effective date \(2020-01-01\)",
    ),
    (
        "withdrawn before it is issued",
        lambda d: d["policies"][1].update(withdrawn_on="1970-01-01"),
        r"withdrawn_on: 1970-01-01 is before the date issued \(1979-07-08\)",
    ),
    (
        "an impossible date",
        lambda d: first_policy(d).update(date_issued="2019-02-30"),
        r"date_issued: “2019-02-30” is not a date \(YYYY-MM-DD\)",
    ),
    (
        "an unknown issuing authority",
        lambda d: first_policy(d).update(issuing_authority="ministry-of-magic"),
        r"issuing_authority: unknown department “ministry-of-magic”",
    ),
    (
        "an unknown procedure",
        lambda d: first_policy(d).update(related_procedures=["fie-registration", "flying-licence"]),
        r"related_procedures\[1\]: unknown procedure “flying-licence”: import the guide first",
    ),
    (
        "replaced by an unknown policy",
        lambda d: d["policies"][1].update(replaced_by="no-such-law"),
        r"replaced_by: unknown policy “no-such-law”",
    ),
    (
        "an attachment that is not there",
        lambda d: first_policy(d)["attachments"].append({"file": "files/missing.pdf", "language": "en"}),
        r"attachments\[2\].file: no such file",
    ),
    (
        "an attachment in an unknown language",
        lambda d: first_policy(d)["attachments"][1].update(language="english"),
        r"attachments\[1\].language: “english” is not one of: zh-hans, en",
    ),
]


@pytest.mark.parametrize(
    "change, message", [case[1:] for case in BROKEN_POLICIES], ids=[case[0] for case in BROKEN_POLICIES]
)
@pytest.mark.usefixtures("listings", "guide")
def test_broken_policy_archives_are_refused_naming_file_record_and_field(tmp_path, change, message):
    before = state()
    with pytest.raises(CommandError, match=message):
        run("import_policies", changed_archive(tmp_path, POLICIES, change))
    assert state() == before


@pytest.mark.usefixtures("listings")
def test_every_problem_is_listed_at_once(tmp_path):
    def break_twice(document):
        first_article(document).update(sections=["shopping"], department="nowhere")

    with pytest.raises(CommandError) as raised:
        run("import_news", changed_archive(tmp_path, NEWS, break_twice))
    message = str(raised.value)
    assert "The archive was not imported (2 problems); nothing was written." in message
    assert "unknown code “shopping”" in message and "unknown department “nowhere”" in message


@pytest.mark.usefixtures("listings")
def test_malformed_yaml_is_refused_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("format: cityportal-news/1\narticles:\n  - key: [unclosed\n", encoding="utf-8")
    before = state()
    with pytest.raises(CommandError, match=r"broken.yaml: line \d+, column \d+: not valid YAML"):
        run("import_news", path)
    assert state() == before


@pytest.mark.usefixtures("listings")
def test_a_key_given_twice_in_a_mapping_is_refused(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("format: cityportal-news/1\nformat: cityportal-news/1\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"twice.yaml: line 2, column 1: not valid YAML \(the key “format”"
    ):
        run("import_news", path)


@pytest.mark.usefixtures("listings")
def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    path = tmp_path / "archive.xml"
    path.write_text("<news/>", encoding="utf-8")
    with pytest.raises(CommandError, match=r"archive.xml: not an archive file"):
        run("import_news", path)


def test_a_language_without_its_news_listing_is_refused_before_anything_is_written(portal):
    for language in ("zh-hans", "en"):  # no Arabic listing
        news_index(portal.homes[language])
    before = state()
    with pytest.raises(
        CommandError,
        match=r"No news listing page in Arabic \(ar\): create one under the home page \(load_demo does\) "
        r"and import again.",
    ):
        run("import_news", NEWS)
    assert state() == before
    assert not NewsArticle.objects.exists()
