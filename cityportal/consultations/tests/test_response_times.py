"""Response times per department, from questions received and answered at known times in March 2026
(a month without public holidays), on the 2026 calendar."""

from datetime import date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityportal.core.models import Department

from ..admin.filters import BEIJING
from ..admin.reports import first_of_month
from ..models import QuestionStatus
from .factories import QuestionFactory, staff_user
from .test_service_level import store_2026_calendar

pytestmark = pytest.mark.django_db

URL = "/admin/questions/response-times/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
COLUMNS = ["received", "answered", "hours", "working days", "within deadline", "open", "overdue"]
NOT_GIVEN = "Not given to a department yet"


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=BEIJING)


def answered(department, received: datetime, answered_at: datetime, due_day: int, due_month: int = 3):
    return QuestionFactory(
        department=department,
        received_at=received,
        first_answered_at=answered_at,
        due_on=date(2026, due_month, due_day),
        status=QuestionStatus.ANSWERED,
    )


@pytest.fixture
def march(db):
    """Department A: five questions answered or received in March, one still open and overdue.
    Department B: one answered in two hours. One new question without a department."""
    store_2026_calendar()
    a, b = (Department.objects.create(code=f"rt-{code}", name=f"Department {code}") for code in "AB")
    answered(a, at(2, 9), at(2, 13), 9)  # 4 hours, the same day: 0 working days, in time
    answered(a, at(2, 9), at(4, 9), 9)  # 48 hours, 2 working days, in time
    answered(a, at(2, 9), at(11, 9), 9)  # 216 hours, 7 working days, late
    # Received on Saturday 28 February, a make-up working day: 48 hours, 1 working day (2 March).
    answered(a, at(28, 10, month=2), at(2, 10), 6)
    answered(a, at(30, 10), at(2, 10, month=4), 6, due_month=4)  # answered in April
    QuestionFactory(
        department=a, received_at=at(10, 11), due_on=at(17, 0).date(), status=QuestionStatus.ASSIGNED
    )
    answered(b, at(3, 10), at(3, 12), 10)
    QuestionFactory(received_at=at(5, 15), due_on=timezone.now().date() + timedelta(days=30))
    return {"a": a, "b": b}


def table(response) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    rows = {}
    for row in soup.find("table", class_="listing").find_all("tr"):
        header = row.find("th", scope="row")
        if header:
            rows[header.get_text(strip=True)] = dict(
                zip(COLUMNS, [cell.get_text(strip=True) for cell in row.find_all("td")], strict=True)
            )
    return rows


def test_supervisors_see_each_department_the_unassigned_row_and_the_total(client, march):
    client.force_login(staff_user("supervisor", supervisor=True))
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    rows = table(response)
    assert rows["Department A"] == {
        "received": "5",  # not the one received in February
        "answered": "4",  # first answers sent in March, including February's question
        "hours": "48",  # median of 4, 48, 48 and 216
        "working days": "1.5",  # median of 0, 2, 1 and 7
        "within deadline": "75%",
        "open": "1",
        "overdue": "1",
    }
    assert rows["Department B"] == {
        "received": "1",
        "answered": "1",
        "hours": "2",
        "working days": "0",
        "within deadline": "100%",
        "open": "0",
        "overdue": "0",
    }
    assert rows[NOT_GIVEN] == {
        "received": "1",
        "answered": "0",
        "hours": "—",
        "working days": "—",
        "within deadline": "—",
        "open": "1",
        "overdue": "0",
    }
    assert rows["Total"] == {
        "received": "7",
        "answered": "5",
        "hours": "48",
        "working days": "1",
        "within deadline": "80%",
        "open": "2",
        "overdue": "1",
    }
    html = response.content.decode()
    assert "<caption" in html and 'scope="col"' in html
    assert "March 1, 2026 to March 31, 2026" in html


def test_staff_see_only_their_own_department(client, march):
    client.force_login(staff_user("clerk", departments=[march["a"]]))
    rows = table(client.get(URL, MARCH))
    assert list(rows) == ["Department A"]  # no total for a single row
    assert rows["Department A"]["received"] == "5"


def test_a_range_of_days_counts_what_arrived_and_was_answered_in_it(client, march):
    client.force_login(staff_user("supervisor", supervisor=True))
    rows = table(client.get(URL, {"start": "2026-03-02", "end": "2026-03-03"}))
    assert (rows["Department A"]["received"], rows["Department A"]["answered"]) == ("3", "2")
    assert rows["Department A"]["hours"] == "26"  # median of 4 and 48
    assert (rows["Department B"]["received"], rows["Department B"]["answered"]) == ("1", "1")
    assert rows[NOT_GIVEN]["received"] == "0"


def test_figures_are_written_the_way_of_the_admins_language(march):
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(staff_user("supervisor", supervisor=True))
    html = german.get(URL, MARCH).content.decode()
    assert "1,5" in html and "75\xa0%" in html


def test_by_default_the_last_three_months_and_by_month_one_month(client):
    department = Department.objects.create(code="rt-recent", name="Recent")
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    QuestionFactory(department=department, received_at=now - timedelta(hours=1))
    QuestionFactory(department=department, received_at=now - timedelta(days=130))
    last_month = first_of_month(today, 1)
    QuestionFactory(
        department=department,
        received_at=datetime(last_month.year, last_month.month, 2, 12, 0, tzinfo=BEIJING),
    )
    client.force_login(staff_user("supervisor", supervisor=True))
    default = client.get(URL)
    assert table(default)["Recent"]["received"] == "2"
    assert first_of_month(today, 2).strftime("%B 1, %Y") in default.content.decode()
    assert table(client.get(URL, {"month": last_month.strftime("%Y-%m")}))["Recent"]["received"] == "1"


def test_an_end_before_the_start_is_refused_with_a_message(client, march):
    client.force_login(staff_user("supervisor", supervisor=True))
    response = client.get(URL, {"start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 200
    assert "The end must not be before the start." in response.content.decode()


def test_appointment_staff_and_anonymous_visitors_cannot_see_response_times(client, django_user_model):
    assert client.get(URL).status_code == 302  # to the admin's login
    user = django_user_model.objects.create_user("nobody", "nobody@example.org", "pw")
    client.force_login(user)
    assert client.get(URL).status_code == 302
    assert reverse("consultations_admin:response_times") == URL
