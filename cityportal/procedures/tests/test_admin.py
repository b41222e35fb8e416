"""The guides in the admin: the guides listing and the editors' reports (due for review, broken links)."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission
from wagtail.users.models import UserProfile

from cityportal.procedures.models import LinkCheckResult, LinkProblem
from cityportal.procedures.tests.factories import (
    DepartmentFactory,
    ProcedureIndexPageFactory,
    ProcedurePageFactory,
    translate,
)

pytestmark = pytest.mark.django_db

DUE_REPORT = "/admin/reports/guides/guides-due-for-review/"
BROKEN_LINKS = "/admin/reports/guides/broken-links/"
TODAY = timezone.localdate()


def reviewed(days_ago: int, interval: int = 180) -> dict:
    return {"last_reviewed": TODAY - datetime.timedelta(days=days_ago), "review_interval_days": interval}


@pytest.fixture
def index(portal):
    index = ProcedureIndexPageFactory(parent=portal.homes["zh-hans"])
    translate(index, "en", title="Guides")
    return index


@pytest.fixture
def admin_client(client, django_user_model):
    chief = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw")
    # The admin speaks the user's language (Chinese by default): these tests read English.
    UserProfile.objects.create(user=chief, preferred_language="en")
    client.force_login(chief)
    return client


def admin_user(django_user_model, name):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def guides_editor(client, django_user_model, index):
    """An editor allowed to edit the pages under the guides index only."""
    group = Group.objects.create(name="Guide editors")
    GroupPagePermission.objects.create(group=group, page=index, permission_type="change")
    user = admin_user(django_user_model, "guides-editor")
    user.groups.add(group)
    client.force_login(user)
    return client


# Guides due for review


def test_the_report_lists_exactly_the_source_guides_due_today_or_earlier(admin_client, index):
    overdue = ProcedurePageFactory(
        parent=index, title="签证延期", item_code="visa-extension", **reviewed(200)
    )
    ProcedurePageFactory(parent=index, title="今天到期", **reviewed(180))
    ProcedurePageFactory(parent=index, title="下月到期", **reviewed(160))
    ProcedurePageFactory(parent=index, title="刚复核过", **reviewed(3))
    translate(overdue, "en", title="Visa extension")

    response = admin_client.get(DUE_REPORT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "签证延期" in html and "今天到期" in html
    assert "下月到期" not in html and "刚复核过" not in html
    assert "Visa extension" not in html  # translations follow their source
    assert f'href="/admin/pages/{overdue.pk}/edit/"' in html
    assert overdue.department.name_en in html


def test_the_report_can_add_the_guides_due_within_30_days(admin_client, index):
    ProcedurePageFactory(parent=index, title="下月到期", **reviewed(160))
    ProcedurePageFactory(parent=index, title="两个月后到期", **reviewed(120))

    assert "No guide is due for review." in admin_client.get(DUE_REPORT).content.decode()
    html = admin_client.get(DUE_REPORT, {"due": "soon"}).content.decode()

    assert "下月到期" in html
    assert "两个月后到期" not in html


def test_the_report_filters_by_owner_department(admin_client, index):
    exit_entry = DepartmentFactory(code="exit-entry")
    labour = DepartmentFactory(code="labour")
    ProcedurePageFactory(parent=index, title="出入境的", department=exit_entry, **reviewed(200))
    ProcedurePageFactory(
        parent=index, title="人社负责出入境复核", department=labour, review_owner=exit_entry, **reviewed(200)
    )
    ProcedurePageFactory(parent=index, title="人社的", department=labour, **reviewed(200))

    html = admin_client.get(DUE_REPORT, {"owner": exit_entry.pk}).content.decode()

    assert "出入境的" in html and "人社负责出入境复核" in html
    assert "人社的" not in html


def test_the_report_sorts_by_due_date_and_by_title(admin_client, index):
    ProcedurePageFactory(parent=index, title="Beta", **reviewed(300))
    ProcedurePageFactory(parent=index, title="Alpha", **reviewed(200))

    by_due = admin_client.get(DUE_REPORT).content.decode()
    by_title = admin_client.get(DUE_REPORT, {"ordering": "sort_title"}).content.decode()

    assert by_due.index("Beta") < by_due.index("Alpha")
    assert by_title.index("Alpha") < by_title.index("Beta")


def test_the_report_downloads_as_csv(admin_client, index):
    guide = ProcedurePageFactory(parent=index, title="签证延期", item_code="visa-extension", **reviewed(200))

    response = admin_client.get(DUE_REPORT, {"export": "csv"})

    assert response["Content-Type"] == "text/csv"
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("Guide,Item code,Owner department")
    assert rows[1].startswith("签证延期,visa-extension,")
    assert rows[1].endswith(f"http://testserver/admin/pages/{guide.pk}/edit/")


def test_guide_titles_are_escaped_in_the_report(admin_client, index):
    ProcedurePageFactory(parent=index, title="<script>alert(1)</script>", **reviewed(200))
    html = admin_client.get(DUE_REPORT).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_users_who_cannot_edit_pages_are_refused_the_reports(client, django_user_model, index):
    ProcedurePageFactory(parent=index, title="签证延期", **reviewed(200))
    client.force_login(admin_user(django_user_model, "reader"))

    for report in (DUE_REPORT, BROKEN_LINKS):
        response = client.get(report)
        assert response.status_code in (302, 403)
        assert "签证延期" not in response.content.decode()
    assert "guides-due-for-review" not in client.get("/admin/").content.decode()


def test_an_editor_of_the_guides_sees_the_report_and_its_menu_item(guides_editor, index, portal):
    ProcedurePageFactory(parent=index, title="签证延期", **reviewed(200))

    assert "签证延期" in guides_editor.get(DUE_REPORT).content.decode()
    assert DUE_REPORT in guides_editor.get("/admin/").content.decode()


# Broken links


def test_the_broken_links_report_shows_each_broken_address_with_its_guides(admin_client, index):
    guide = ProcedurePageFactory(parent=index, title="<script>x</script>签证")
    english = translate(guide, "en", title="Visa")
    broken_since = timezone.now() - datetime.timedelta(days=14)
    broken = LinkCheckResult.objects.create(
        url="https://gov.example.invalid/apply",
        problem=LinkProblem.HTTP,
        status_code=404,
        checked_at=timezone.now(),
        first_broken_at=broken_since,
        consecutive_failures=3,
    )
    broken.guides.set([guide, english])
    working = LinkCheckResult.objects.create(url="https://gov.example.invalid/ok", checked_at=timezone.now())
    working.guides.set([guide])

    html = admin_client.get(BROKEN_LINKS).content.decode()

    assert "https://gov.example.invalid/apply" in html
    assert "https://gov.example.invalid/ok" not in html
    assert "HTTP 404" in html
    assert f'href="/admin/pages/{guide.pk}/edit/"' in html
    assert f'href="/admin/pages/{english.pk}/edit/"' in html
    assert "&lt;script&gt;x&lt;/script&gt;签证" in html and "<script>x</script>" not in html


def test_a_broken_department_website_links_to_the_department(admin_client):
    department = DepartmentFactory(name_en="Exit-Entry Administration")
    broken = LinkCheckResult.objects.create(
        url="https://eea.example.invalid/",
        problem=LinkProblem.HOST_NOT_FOUND,
        checked_at=timezone.now(),
        first_broken_at=timezone.now(),
        consecutive_failures=1,
    )
    broken.departments.set([department])

    html = admin_client.get(BROKEN_LINKS).content.decode()

    assert "Host name not found" in html
    assert f"/admin/snippets/core/department/edit/{department.pk}/" in html


# The guides listing


def test_the_guides_listing_shows_item_codes_and_filters_by_department(admin_client, index):
    exit_entry = DepartmentFactory()
    ProcedurePageFactory(parent=index, title="签证延期", item_code="visa-extension", department=exit_entry)
    ProcedurePageFactory(parent=index, title="工作许可", item_code="work-permit")

    everything = admin_client.get("/admin/procedure_guides/").content.decode()
    filtered = admin_client.get("/admin/procedure_guides/", {"department": exit_entry.pk}).content.decode()

    assert "visa-extension" in everything and "work-permit" in everything
    assert "visa-extension" in filtered and "work-permit" not in filtered
