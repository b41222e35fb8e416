"""The staff inbox: whose questions it lists, in what order, with which deadline badges, what its
filters and counts show, that it escapes what visitors wrote, and that its cost does not grow with
the number of questions."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cityportal.appointments.permissions import STAFF_GROUP as APPOINTMENT_STAFF
from cityportal.core.models import Department
from cityportal.core.sections import Section

from ..admin.filters import BEIJING
from ..models import QuestionStatus
from .factories import QuestionFactory, staff_user

# Database tests are marked one by one: the browser test at the end must not open the test database
# (Playwright's event loop would be running when pytest-django sets it up).

INBOX = "/admin/questions/"


def today():
    return timezone.now().astimezone(BEIJING).date()


@pytest.fixture
def departments():
    return {
        code: Department.objects.create(code=f"inbox-{code}", name=f"Department {code}")
        for code in ("a", "b")
    }


@pytest.fixture
def supervisor():
    return staff_user("supervisor", supervisor=True)


def rows(response) -> dict[str, BeautifulSoup]:
    """The inbox's table rows by question reference, in the order shown."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    table = soup.find("table", class_="listing")
    if table is None:
        return {}
    found = {}
    for row in table.tbody.find_all("tr"):
        found[row.find("td").get_text(strip=True)] = row
    return found


def cell(row, column: int) -> str:
    return " ".join(row.find_all("td")[column].get_text(" ", strip=True).split())


DUE_COLUMN = 7


@pytest.mark.django_db
def test_staff_see_their_departments_and_their_own_questions_only(client, departments):
    clerk = staff_user("clerk", departments=[departments["a"]])
    ours = QuestionFactory(department=departments["a"], status=QuestionStatus.ASSIGNED)
    theirs = QuestionFactory(department=departments["b"], status=QuestionStatus.ASSIGNED)
    given_to_me = QuestionFactory(department=departments["b"], assignee=clerk, status=QuestionStatus.ASSIGNED)
    untriaged = QuestionFactory()
    # A colleague in department A must not make anything appear twice.
    staff_user("colleague", departments=[departments["a"]])
    client.force_login(clerk)
    listed = rows(client.get(INBOX))
    assert set(listed) == {ours.reference, given_to_me.reference}
    assert theirs.reference not in listed and untriaged.reference not in listed
    assert cell(listed[given_to_me.reference], 5) == "clerk"  # "Assigned to"


@pytest.mark.django_db
def test_supervisors_see_every_department_and_new_questions_without_one(client, departments, supervisor):
    questions = [QuestionFactory(department=department) for department in departments.values()]
    questions.append(QuestionFactory())
    client.force_login(supervisor)
    listed = rows(client.get(INBOX))
    assert set(listed) == {question.reference for question in questions}
    assert cell(listed[questions[-1].reference], 4) == "Not assigned"


@pytest.mark.django_db
def test_open_questions_are_listed_soonest_deadline_first_by_default(client, supervisor):
    day = today()
    later = QuestionFactory(due_on=day + timedelta(days=20))
    overdue = QuestionFactory(due_on=day - timedelta(days=2), status=QuestionStatus.ASSIGNED)
    soon = QuestionFactory(due_on=day + timedelta(days=1))
    answered = QuestionFactory(answered=True, due_on=day - timedelta(days=5))
    closed = QuestionFactory(closed=True)
    client.force_login(supervisor)

    default = client.get(INBOX)
    assert list(rows(default)) == [overdue.reference, soon.reference, later.reference]
    note = "Open questions (new or assigned) are shown."
    assert note in default.content.decode()
    assert note not in client.get(INBOX, {"status": "all"}).content.decode()
    assert list(rows(client.get(INBOX, {"status": "answered"}))) == [answered.reference]
    assert list(rows(client.get(INBOX, {"status": "new"}))) == [soon.reference, later.reference]
    everything = rows(client.get(INBOX, {"status": "all"}))
    assert set(everything) == {later.reference, overdue.reference, soon.reference, answered.reference,
                               closed.reference}  # fmt: skip
    newest_first = rows(client.get(INBOX, {"status": "all", "ordering": "-received_at"}))
    assert list(newest_first)[0] == closed.reference


@pytest.mark.django_db
def test_deadline_badges_show_overdue_and_due_soon_for_open_questions_only(client, supervisor):
    day = today()
    yesterday = QuestionFactory(due_on=day - timedelta(days=1))
    due_today = QuestionFactory(due_on=day)
    next_month = QuestionFactory(due_on=day + timedelta(days=30))
    answered_late = QuestionFactory(answered=True, due_on=day - timedelta(days=1))
    client.force_login(supervisor)
    listed = rows(client.get(INBOX, {"status": "all"}))
    assert cell(listed[yesterday.reference], DUE_COLUMN).endswith("Overdue")
    assert cell(listed[due_today.reference], DUE_COLUMN).endswith("Due soon")
    assert not cell(listed[next_month.reference], DUE_COLUMN).endswith(("Overdue", "Due soon"))
    assert not cell(listed[answered_late.reference], DUE_COLUMN).endswith(("Overdue", "Due soon"))


@pytest.mark.django_db
def test_counts_cover_the_users_scope_and_link_to_their_filter(client, departments):
    day = today()
    clerk = staff_user("clerk", departments=[departments["a"]])
    QuestionFactory(department=departments["a"], due_on=day - timedelta(days=3))
    QuestionFactory(department=departments["a"], due_on=day - timedelta(days=1))
    QuestionFactory(department=departments["a"], due_on=day)
    QuestionFactory(department=departments["a"], due_on=day + timedelta(days=30))
    QuestionFactory(department=departments["a"], answered=True, due_on=day - timedelta(days=9))
    QuestionFactory(department=departments["b"], due_on=day - timedelta(days=3))  # not theirs
    staff_user("colleague", departments=[departments["a"]])
    client.force_login(clerk)
    response = client.get(INBOX, {"language": "ko"})  # filters do not change the counts
    counts = BeautifulSoup(response.content.decode(), "html.parser").find(attrs={"data-inbox-counts": True})
    links = {" ".join(a.get_text().split()): a["href"] for a in counts.find_all("a")}
    assert links == {
        "Open: 4": INBOX,
        "Due soon: 1": f"{INBOX}?due=due-soon",
        "Overdue: 2": f"{INBOX}?due=overdue",
    }
    assert len(rows(client.get(links["Overdue: 2"]))) == 2
    assert len(rows(client.get(links["Due soon: 1"]))) == 1


@pytest.mark.django_db
def test_filters_by_language_section_department_and_age(client, departments, supervisor):
    now = timezone.now()
    korean = QuestionFactory(
        language="ko", text="주소 등록은 어떻게 하나요?", received_at=now - timedelta(days=40)
    )
    study = QuestionFactory(section=Section.STUDY, received_at=now - timedelta(days=5))
    in_b = QuestionFactory(department=departments["b"], status=QuestionStatus.ASSIGNED)
    today_question = QuestionFactory(received_at=now)
    client.force_login(supervisor)

    def listed(**query):
        return set(rows(client.get(INBOX, query)))

    assert listed(language="ko") == {korean.reference}
    assert listed(section="study") == {study.reference}
    assert listed(department=departments["b"].pk) == {in_b.reference}
    assert listed(department="null") == {korean.reference, study.reference, today_question.reference}
    assert listed(received="30") == {korean.reference}
    assert listed(received="3") == {korean.reference, study.reference}
    assert today_question.reference in listed(received="today")
    assert korean.reference not in listed(received="today")
    korean_row = rows(client.get(INBOX, {"language": "ko"}))[korean.reference]
    assert korean_row.find("span", lang="ko").get_text() == "주소 등록은 어떻게 하나요?"
    assert cell(korean_row, 2) == "한국어"


@pytest.mark.django_db
def test_staff_can_filter_only_by_their_own_departments(client, departments):
    client.force_login(staff_user("clerk", departments=[departments["a"]]))
    soup = BeautifulSoup(client.get(INBOX).content.decode(), "html.parser")
    offered = {
        option.get_text(strip=True)
        for option in soup.find("select", attrs={"name": "department"}).find_all("option")
    }
    assert "Department a" in offered and "Department b" not in offered
    # Asking for another department's questions by its id lists nothing of it.
    QuestionFactory(department=departments["b"])
    assert rows(client.get(INBOX, {"department": departments["b"].pk})) == {}


@pytest.mark.django_db
def test_question_text_is_escaped_shortened_and_links_to_the_question(client, supervisor):
    question = QuestionFactory(text='<script>alert("x")</script><b>bold</b> ' + "long " * 60)
    client.force_login(supervisor)
    response = client.get(INBOX)
    html = response.content.decode()
    assert '<script>alert("x")' not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    row = rows(response)[question.reference]
    assert len(cell(row, 1)) <= 90 and cell(row, 1).endswith("…")
    assert row.find("a")["href"] == reverse("consultations_admin:detail", args=[question.pk])


@pytest.mark.django_db
def test_the_inbox_costs_the_same_number_of_queries_for_3_or_50_questions(
    client, departments, django_assert_max_num_queries
):
    clerk = staff_user("clerk", departments=[departments["a"], departments["b"]])
    client.force_login(clerk)
    for count in (3, 50):
        for _n in range(count - len(rows(client.get(INBOX)))):
            QuestionFactory(department=departments["a"], assignee=clerk, status=QuestionStatus.ASSIGNED)
        with django_assert_max_num_queries(15):
            response = client.get(INBOX)
        assert len(rows(response)) == count


@pytest.mark.django_db
def test_a_long_inbox_is_paginated(client, supervisor):
    QuestionFactory.create_batch(51)
    client.force_login(supervisor)
    assert len(rows(client.get(INBOX))) == 50
    assert len(rows(client.get(INBOX, {"p": 2}))) == 1


@pytest.mark.django_db
def test_the_admins_filter_script_gets_the_results_alone(client, supervisor):
    korean = QuestionFactory(language="ko")
    QuestionFactory(language="en")
    client.force_login(supervisor)
    response = client.get(INBOX, {"language": "ko"}, headers={"X-Requested-With": "XMLHttpRequest"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert list(rows(response)) == [korean.reference]
    assert "X-Requested-With" in response["Vary"]
    assert "<html" in client.get(INBOX).content.decode()


@pytest.mark.django_db
def test_supervisors_get_a_csv_link_with_the_current_filters(client, departments, supervisor):
    client.force_login(supervisor)
    html = client.get(INBOX, {"language": "ko", "p": 1}).content.decode()
    assert f'href="{reverse("consultations_admin:export")}?language=ko"' in html
    client.force_login(staff_user("clerk", departments=[departments["a"]]))
    assert reverse("consultations_admin:export") not in client.get(INBOX).content.decode()


@pytest.mark.django_db
def test_users_without_the_question_permission_get_the_admins_permission_denied(client, django_user_model):
    clerk = django_user_model.objects.create_user("desk", "desk@example.org", "pw")
    clerk.groups.add(Group.objects.get(name=APPOINTMENT_STAFF))
    QuestionFactory()
    client.force_login(clerk)
    response = client.get(INBOX, follow=True)
    assert response.redirect_chain[0] == (reverse("wagtailadmin_home"), 302)
    assert "Sorry, you do not have permission to access this area." in response.content.decode()


# --- In Chromium: the admin's filters refresh the list in place ----------------------------------------

SEED = (
    "import django; django.setup(); "
    "from cityportal.consultations.tests.test_inbox import seed_inbox_data; seed_inbox_data()"
)
KOREAN_TEXT = "주소 등록은 어떻게 하나요?"


def seed_inbox_data():
    """Run in the browser server's database: a supervisor, an overdue Korean question, an English one."""
    day = today()
    staff_user("inbox-supervisor", supervisor=True)  # password "password"
    QuestionFactory(language="ko", text=KOREAN_TEXT, due_on=day - timedelta(days=1))
    QuestionFactory(language="en", text="Where do I register my stay?", due_on=day + timedelta(days=20))


@pytest.fixture(scope="module")
def inbox_server(tmp_path_factory):

    from cityportal.core.tests.browser import portal_server

    directory = tmp_path_factory.mktemp("inbox")
    with portal_server(directory, seed=SEED) as base_url:
        yield base_url


@pytest.mark.browser
def test_filtering_by_language_in_the_admin_replaces_the_list_in_place(inbox_server, page):
    from cityportal.core.tests.browser import serious_accessibility_violations

    page.goto(f"{inbox_server}/admin/login/?next=/admin/questions/")
    page.fill("input[name=username]", "inbox-supervisor")
    page.fill("input[name=password]", "password")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/questions/")
    table = page.locator("#listing-results table.listing tbody")
    assert table.locator("tr").count() == 2
    assert "Overdue" in table.locator("tr").first.inner_text()

    page.get_by_role("button", name="Show filters").click()
    page.locator(".w-drilldown__toggle", has_text="Language").click()
    with page.expect_response(lambda response: "language=ko" in response.url) as refreshed:
        page.get_by_label("한국어").check()
    assert refreshed.value.status == 200
    page.wait_for_function("document.querySelectorAll('#listing-results tbody tr').length === 1")
    assert KOREAN_TEXT in table.inner_text()
    assert "language=ko" in page.url
    assert page.get_by_role("link", name="Download CSV").get_attribute("href").endswith("?language=ko")
    # The admin asks the internet for avatars (Gravatar), which these tests cannot reach; nothing else.
    assert [problem for problem in page.problems if "ERR_NAME_NOT_RESOLVED" not in problem] == []
    violations = serious_accessibility_violations(page)
    assert not [line for line in violations if "inbox" in line or "listing" in line], violations

    page.goto(f"{inbox_server}/admin/questions/response-times/")
    assert page.locator("table.listing caption").count() == 1
    violations = serious_accessibility_violations(page)
    assert not [line for line in violations if "listing" in line or "<th" in line or "<td" in line], (
        violations
    )
