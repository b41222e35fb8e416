"""The policy library and policy pages: statuses in time, filters, banners, the Chinese text prevailing,
and withdrawing a policy."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Revision

from cityportal.news.models import PolicyDocument, PolicyStatus, policy_status
from cityportal.news.policy_services import withdraw_policy
from cityportal.news.tests.factories import (
    DepartmentFactory,
    PolicyDocumentFactory,
    policy_in,
    policy_index,
    translate,
)
from cityportal.procedures.tests.factories import ProcedureIndexPageFactory, ProcedurePageFactory

TODAY = date(2026, 6, 15)
ITEM_TITLES = re.compile(r'<a class="policy-list__title" href="[^"]+">([^<]+)</a>')


def main_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


# --- Status in the database agrees with policy_status() -------------------------------------------

CASES = {
    # name: (effective, expiry, withdrawn) relative to TODAY in days; None for no date
    "in force, no end": (-10, None, None),
    "in force since today": (0, None, None),
    "in force, no effective date": (None, None, None),
    "last day before expiry": (-10, 0, None),
    "expired yesterday": (-10, -1, None),
    "not yet in force": (5, None, None),
    "withdrawn today": (-10, None, 0),
    "withdrawn in the future": (-10, None, 3),
    "withdrawn after expiring": (-10, -5, -2),
    "withdrawn before taking effect": (10, None, -1),
}


def shifted(offset):
    return None if offset is None else TODAY + timedelta(days=offset)


def test_the_status_computed_in_the_database_is_the_status_of_policy_status(portal):
    index = policy_index(portal.homes["zh-hans"])
    for name, (effective, expiry, withdrawn) in CASES.items():
        PolicyDocumentFactory(
            parent=index,
            title=name,
            date_issued=TODAY - timedelta(days=30),
            effective_date=shifted(effective),
            expiry_date=shifted(expiry),
            withdrawn_on=shifted(withdrawn),
        )
    statuses = {policy.title: policy.status for policy in index.policies(today=TODAY)}
    assert len(statuses) == len(CASES)
    for name, (effective, expiry, withdrawn) in CASES.items():
        expected = policy_status(
            effective=shifted(effective), expires=shifted(expiry), withdrawn=shifted(withdrawn), today=TODAY
        )
        assert statuses[name] == expected, name
    assert {statuses[name] for name in CASES} == set(PolicyStatus.values)


# --- The library ----------------------------------------------------------------------------------


@pytest.fixture
def library(portal):
    """Four English policies from two authorities, one in each status, issued in 2019 and later."""
    npc = DepartmentFactory(code="npc", name_zh_hans="全国人民代表大会", name_en="National People's Congress")
    city = DepartmentFactory(code="beijing-gov", name_zh_hans="北京市人民政府", name_en="Beijing Government")
    specs = [
        ("Foreign Investment Law", npc, date(2019, 3, 15), {"effective_date": date(2020, 1, 1)}),
        ("Opening-up measures", city, days(-40), {"effective_date": days(-30)}),
        ("Future measures", city, days(-3), {"effective_date": days(30)}),
        ("Old transit rule", city, days(-400), {"effective_date": days(-390), "expiry_date": days(-20)}),
        ("Repealed notice", npc, days(-300), {"effective_date": days(-290), "withdrawn_on": days(-5)}),
    ]
    policies = {}
    for title, authority, issued, dates in specs:
        policies[title] = policy_in(
            portal.homes,
            titles={"en": title},
            issuing_authority=authority,
            date_issued=issued,
            sections=["invest"] if authority is npc else ["work"],
            document_number="主席令第二十六号" if title == "Foreign Investment Law" else "",
            **dates,
        )
    return policies


def test_the_library_lists_newest_issued_first_with_authority_number_date_and_status(client, library):
    html = main_html(client, "/en/policies/")
    assert ITEM_TITLES.findall(html) == [
        "Future measures",
        "Opening-up measures",
        "Repealed notice",
        "Old transit rule",
        "Foreign Investment Law",
    ]
    item = html[html.index("Foreign Investment Law</a>") :]
    assert '<span class="status-badge status-badge--in-force">In force</span>' in item
    assert "National People&#x27;s Congress" in item and "<bdi>主席令第二十六号</bdi>" in item
    assert '<time datetime="2019-03-15">March 15, 2019</time>' in item


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?authority=npc", ["Repealed notice", "Foreign Investment Law"]),
        ("?year=2019", ["Foreign Investment Law"]),
        ("?status=in-force", ["Opening-up measures", "Foreign Investment Law"]),
        ("?status=pending", ["Future measures"]),
        ("?status=expired", ["Old transit rule"]),
        ("?status=withdrawn", ["Repealed notice"]),
        ("?authority=beijing-gov&status=in-force", ["Opening-up measures"]),
        ("?authority=npc&status=pending", []),
    ],
)
def test_the_library_filters_by_authority_year_and_status(client, library, query, expected):
    html = main_html(client, "/en/policies/" + query)
    assert ITEM_TITLES.findall(html) == expected
    if not expected:
        assert "No policy matches these filters." in html


def test_the_filter_form_works_without_javascript_and_keeps_the_choices(client, library):
    html = main_html(client, "/en/policies/?authority=npc&status=withdrawn")
    form = html[html.index('<form class="policy-filters" method="get" action="/en/policies/">') :]
    assert '<option value="npc" selected>National People&#x27;s Congress</option>' in form
    assert '<option value="beijing-gov">Beijing Government</option>' in form
    assert '<option value="2019">2019</option>' in form
    assert '<option value="withdrawn" selected>Withdrawn</option>' in form
    assert '<button class="policy-filters__button" type="submit">' in form
    assert '<a href="/en/policies/">Clear the filters</a>' in form


def test_unknown_filter_values_are_ignored_with_a_notice(client, library):
    html = main_html(client, "/en/policies/?authority=nobody&year=1850&status=%3Cscript%3E")
    assert "Some filters in the address were not recognised and were ignored." in html
    assert len(ITEM_TITLES.findall(html)) == 5
    assert "<script>" not in html


def test_a_section_of_the_library_lists_only_its_policies(client, library):
    html = main_html(client, "/en/policies/invest/")
    assert ITEM_TITLES.findall(html) == ["Repealed notice", "Foreign Investment Law"]
    assert client.get("/en/policies/nowhere/").status_code == 404


def test_the_library_pages_by_issue_date_and_keeps_the_filters(client, portal):
    index = policy_index(portal.homes["en"])
    for n in range(23):
        PolicyDocumentFactory(parent=index, title=f"Policy {n:02d}", date_issued=days(-30 - n))
    html = main_html(client, "/en/policies/?status=in-force")
    assert ITEM_TITLES.findall(html) == [f"Policy {n:02d}" for n in range(20)]
    older = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert older.startswith("/en/policies/?status=in-force&before=")
    assert ITEM_TITLES.findall(main_html(client, older)) == ["Policy 20", "Policy 21", "Policy 22"]


# --- The policy page ------------------------------------------------------------------------------


def test_an_in_force_policy_page_shows_its_facts_without_a_banner(client, library):
    html = main_html(client, library["Foreign Investment Law"]["en"].url)
    assert "<h1>Foreign Investment Law</h1>" in html
    assert '<span class="status-badge status-badge--in-force">In force</span>' in html
    assert "National People&#x27;s Congress" in html and "<bdi>主席令第二十六号</bdi>" in html
    assert '<time datetime="2020-01-01">January 1, 2020</time>' in html  # effective date
    assert "No end date: still in force" in html
    assert "policy-banner" not in html
    assert "第一条 政策正文。" in html  # the full text


def test_a_policy_without_a_number_says_where_to_find_it(client, library):
    html = main_html(client, library["Opening-up measures"]["en"].url)
    assert "No document number; see the official text" in html


def test_the_chinese_text_prevails_notice_is_on_translations_only(client, portal, library):
    versions = library["Opening-up measures"]
    chinese_url = versions["zh-hans"].url
    english = main_html(client, versions["en"].url)
    assert "This translation is for reference only; the Chinese text prevails." in english
    assert f'<a href="{chinese_url}" hreflang="zh-Hans">Read the Chinese text</a>' in english
    policy_index(portal.homes["ar"])
    arabic = translate(versions["zh-hans"], "ar", title="تدابير الانفتاح")
    assert 'class="notice policy__prevails"' in main_html(client, arabic.url)
    assert 'class="notice policy__prevails"' not in main_html(client, chinese_url)


def test_a_withdrawn_policy_says_since_when_why_and_what_replaced_it(client, portal, library):
    old, new = library["Repealed notice"], library["Opening-up measures"]
    for language in ("zh-hans", "en"):
        page = old[language]
        page.replaced_by = new["zh-hans"]  # editors choose the Chinese page; each language links its own
        page.withdrawal_note = "Replaced by the 2026 measures." if language == "en" else "已被替代。"
        page.save_revision().publish()
    html = main_html(client, old["en"].url)
    banner = html[html.index('class="policy-banner policy-banner--lapsed"') :]
    withdrawn_on = days(-5)
    assert f"This policy was withdrawn on {withdrawn_on:%B} {withdrawn_on.day}, {withdrawn_on.year}" in banner
    assert "Replaced by the 2026 measures." in banner
    assert f'<a href="{new["en"].url}">Opening-up measures</a>' in banner
    assert '<span class="status-badge status-badge--withdrawn">Withdrawn</span>' in html


def test_a_replacement_not_yet_translated_is_linked_in_chinese(client, portal, library):
    old = library["Repealed notice"]
    chinese_only = PolicyDocumentFactory(parent=policy_index(portal.homes["zh-hans"]), title="新的通知")
    old["en"].replaced_by = chinese_only
    old["en"].save_revision().publish()
    banner = main_html(client, old["en"].url)
    assert (
        f'<a href="{chinese_only.url}" hreflang="zh-Hans" lang="zh-Hans">新的通知</a> (in Chinese)' in banner
    )


def test_expired_and_pending_policies_carry_their_banners(client, library):
    expired = main_html(client, library["Old transit rule"]["en"].url)
    assert "This policy expired on" in expired and "no longer applies" in expired
    pending = main_html(client, library["Future measures"]["en"].url)
    starts = days(30)
    assert (
        f"This policy is not yet in force: it takes effect on {starts:%B} {starts.day}, {starts.year}."
        in pending
    )
    assert "status-badge--pending" in pending


def test_a_cached_policy_page_changes_status_at_midnight(client, library, monkeypatch):
    url = library["Future measures"]["en"].url
    assert "status-badge--pending" in main_html(client, url)
    import cityportal.news.models.policies as policies

    monkeypatch.setattr(policies, "beijing_today", lambda: days(31))
    assert "status-badge--in-force" in main_html(client, url)


@pytest.fixture
def guides(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Guides")
    translated = ProcedurePageFactory(parent=index, item_code="fie-registration", title="外资企业登记")
    english = translate(translated, "en", title="Registering a foreign-invested enterprise")
    chinese_only = ProcedurePageFactory(
        parent=index, item_code="foreign-investment-report", title="外商投资信息报告"
    )
    return english, translated, chinese_only


def test_related_procedures_are_this_language_s_live_guides(client, portal, guides):
    english, translated, chinese_only = guides
    versions = policy_in(
        portal.homes,
        titles={"en": "Foreign Investment Law"},
        related_procedures=[("procedure", chinese_only), ("procedure", translated)],
    )
    html = main_html(client, versions["en"].url)
    related = html[html.index('id="procedures-heading"') :]
    assert f'<a href="{english.url}">Registering a foreign-invested enterprise</a>' in related
    assert "外商投资信息报告" not in related
    chinese = main_html(client, versions["zh-hans"].url)
    assert chinese.index("外商投资信息报告") < chinese.index("外资企业登记")  # the editor's order


def test_attached_files_say_their_type_size_and_language(client, portal, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    content = b"%PDF-1.7\n" + b"0" * 2400
    document = get_document_model().objects.create(
        title="外商投资法",
        file=ContentFile(content, name="law.pdf"),
        file_size=len(content),
        language="zh-hans",
    )
    versions = policy_in(portal.homes, attachments=[("document", {"document": document, "title": "全文"})])
    html = main_html(client, versions["en"].url)
    files = html[html.index('id="files-heading"') :]
    assert 'hreflang="zh-Hans" type="application/pdf">全文</a>' in files
    assert "(PDF, 2 kB, Chinese)" in files


# --- Withdrawing a policy ---------------------------------------------------------------------------


def test_withdrawing_publishes_the_withdrawal_in_every_language(client, portal, library, django_user_model):
    editor = django_user_model.objects.create_superuser("reviewer")
    versions, replacement = library["Opening-up measures"], library["Future measures"]["zh-hans"]
    before = Revision.objects.count()
    withdraw_policy(
        versions["zh-hans"], on=days(-1), note="  已废止。 ", replaced_by=replacement, user=editor
    )

    assert Revision.objects.count() == before + 2  # one published revision per language
    for page in versions.values():
        page.refresh_from_db()
        assert page.live and page.withdrawn_on == days(-1) and page.replaced_by_id == replacement.pk
        assert page.live_revision.user == editor
    assert versions["zh-hans"].withdrawal_note == "已废止。"
    assert versions["en"].withdrawal_note == ""  # the English note comes through translation
    html = main_html(client, versions["en"].url)
    assert "This policy was withdrawn on" in html and "Future measures</a>" in html
    listed = main_html(client, "/en/policies/?status=withdrawn")
    assert "Opening-up measures" in ITEM_TITLES.findall(listed)


def test_withdrawing_keeps_a_waiting_draft_unpublished(portal, library):
    page = library["Opening-up measures"]["en"]
    page.title = "Opening-up measures (draft edit)"
    page.save_revision()  # an editor's unreviewed change

    withdraw_policy(page, on=days(0), note="Repealed.")
    page.refresh_from_db()
    assert page.title == "Opening-up measures" and page.withdrawn_on == days(0)  # live: withdrawal only
    draft = page.get_latest_revision_as_object()
    assert draft.title == "Opening-up measures (draft edit)" and draft.withdrawn_on == days(0)
    assert draft.withdrawal_note == "Repealed."


def test_withdrawing_needs_the_right_to_publish(library, django_user_model):
    versions = library["Opening-up measures"]
    visitor = django_user_model.objects.create_user("no-rights")
    before = Revision.objects.count()
    with pytest.raises(PermissionDenied):
        withdraw_policy(versions["zh-hans"], on=days(0), note="", user=visitor)
    assert Revision.objects.count() == before
    versions["en"].refresh_from_db()
    assert versions["en"].withdrawn_on is None


@pytest.mark.parametrize("mistake", ["before issue", "replaced by itself"])
def test_a_wrong_withdrawal_is_refused_and_writes_nothing(portal, library, mistake):
    versions = library["Opening-up measures"]
    before = Revision.objects.count()
    with pytest.raises(ValidationError) as error:
        if mistake == "before issue":
            withdraw_policy(versions["en"], on=days(-100), note="")
        else:
            withdraw_policy(versions["en"], on=days(0), note="", replaced_by=versions["zh-hans"])
    assert set(error.value.message_dict) <= {"withdrawn_on", "replaced_by"}
    assert Revision.objects.count() == before
    assert not PolicyDocument.objects.filter(
        translation_key=versions["en"].translation_key, withdrawn_on__isnull=False
    )
