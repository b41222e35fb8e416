"""The two consultation roles: staff answer their departments' questions (and those given to them),
supervisors every question; neither role reaches pages, bookings, users or other settings, and
appointment staff do not reach the questions."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.models import Page

from cityportal.appointments.permissions import STAFF_GROUP as APPOINTMENT_STAFF
from cityportal.core.models import Department

from ..models import DepartmentAssignment, QuestionStatus
from ..permissions import can_work_on, departments_for, questions_for
from .factories import QuestionFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    return {code: Department.objects.create(code=f"perm-{code}", name=f"Department {code}") for code in "ab"}


@pytest.fixture
def questions(departments):
    """A question in each department, a new one with no department yet."""
    return {
        "a": QuestionFactory(department=departments["a"], status=QuestionStatus.ASSIGNED),
        "b": QuestionFactory(department=departments["b"], status=QuestionStatus.ASSIGNED),
        "new": QuestionFactory(),
    }


def appointment_clerk(django_user_model):
    user = django_user_model.objects.create_user("desk", "desk@example.org", "pw")
    user.groups.add(Group.objects.get(name=APPOINTMENT_STAFF))
    return user


def denied(response) -> bool:
    """Wagtail answers 403, or sends users without permission to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def opened(client, url):
    """The response to `url`, after the redirects within the page (a setting's URL adds its id)."""
    response = client.get(url)
    while response.status_code == 302 and response.url.startswith(url):
        url = response.url
        response = client.get(url)
    return response


def test_staff_answer_their_departments_questions_and_those_given_to_them(departments, questions):
    clerk = staff_user("clerk", departments=[departments["a"]])
    staff_user("colleague", departments=[departments["a"]])
    assert list(questions_for(clerk)) == [questions["a"]]
    assert list(departments_for(clerk)) == [departments["a"]]
    assert not can_work_on(clerk, questions["b"]) and not can_work_on(clerk, questions["new"])

    questions["b"].assignee = clerk
    questions["b"].save()
    assert set(questions_for(clerk)) == {questions["a"], questions["b"]}
    assert can_work_on(clerk, questions["b"])


def test_supervisors_see_every_question_including_new_ones_without_a_department(departments, questions):
    supervisor = staff_user("supervisor", supervisor=True)
    assert set(questions_for(supervisor)) == set(questions.values())
    assert set(departments) and set(departments.values()) <= set(departments_for(supervisor))
    assert can_work_on(supervisor, questions["new"])


def test_inactive_staff_and_other_roles_see_no_question(django_user_model, departments, questions):
    clerk = staff_user("clerk", departments=[departments["a"]])
    clerk.is_active = False
    clerk.save()
    assert not questions_for(clerk).exists() and not departments_for(clerk).exists()
    assert not questions_for(appointment_clerk(django_user_model)).exists()


def test_the_inbox_shows_staff_their_department_only(client, departments, questions):
    client.force_login(staff_user("clerk", departments=[departments["a"]]))
    html = client.get(reverse("consultations_admin:inbox")).content.decode()
    assert questions["a"].reference in html
    assert questions["b"].reference not in html and questions["new"].reference not in html
    client.force_login(staff_user("supervisor", supervisor=True))
    html = client.get(reverse("consultations_admin:inbox")).content.decode()
    assert all(question.reference in html for question in questions.values())


def test_consultation_staff_cannot_reach_pages_bookings_users_settings_or_other_snippets(
    client, portal, departments
):
    client.force_login(staff_user("clerk", departments=[departments["a"]]))
    home = portal.homes["en"]
    for url in (
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk]),
        reverse("wagtailadmin_explore", args=[Page.get_first_root_node().pk]),
        reverse("wagtailsnippets_core_office:list"),
        reverse("wagtailsnippets_news_notice:list"),
        reverse("appointment_days:index"),
        reverse("appointment_closures:index"),
        reverse("appointment_services:list"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsettings:edit", args=["core", "portalsettings"]),
        reverse("wagtailsettings:edit", args=["consultations", "consultationsettings"]),
        reverse("consultation_department_staff:index"),
        reverse("consultation_reply_templates:add"),
    ):
        assert denied(opened(client, url)), url
    # What they do use:
    assert client.get(reverse("consultations_admin:inbox")).status_code == 200
    assert client.get(reverse("consultations_admin:response_times")).status_code == 200
    assert client.get(reverse("consultation_reply_templates:index")).status_code == 200


def menu(user) -> dict[str, set[str]]:
    reverse("wagtailadmin_home")  # loading the admin's URLs registers its viewsets' menu items
    request = RequestFactory().get("/admin/")
    request.user = user
    shown = {}
    for item in admin_menu.menu_items_for_request(request):
        submenu = getattr(item, "menu", None)
        shown[item.name] = {sub.name for sub in submenu.menu_items_for_request(request)} if submenu else set()
    return shown


def test_the_staff_menu_holds_the_questions_area_and_nothing_to_edit_elsewhere(departments):
    shown = menu(staff_user("clerk", departments=[departments["a"]]))
    assert shown["questions"] == {"inbox", "response-times", "reply-templates", "faq-entries"}
    assert not set(shown) & {
        "explorer",
        "snippets",
        "appointments",
        "offices",
        "settings",
        "images",
        "documents",
    }


def test_supervisors_also_manage_department_staff_and_the_service_level_setting():
    shown = menu(staff_user("supervisor", supervisor=True))
    assert {"inbox", "response-times", "department-staff"} <= shown["questions"]
    assert shown["settings"] == {"questions-and-answers"}


def test_appointment_staff_cannot_open_the_questions(client, django_user_model, questions):
    desk = appointment_clerk(django_user_model)
    client.force_login(desk)
    assert denied(client.get(reverse("consultations_admin:inbox")))
    assert denied(client.get(reverse("consultations_admin:response_times")))
    assert client.get(reverse("consultations_admin:export")).status_code == 403
    assert "questions" not in menu(desk)


def test_only_supervisors_open_the_department_staff_list(client, departments):
    clerk = staff_user("clerk", departments=[departments["a"]])
    client.force_login(clerk)
    assert denied(client.get(reverse("consultation_department_staff:index")))
    assert denied(client.get(reverse("consultation_department_staff:add")))

    client.force_login(staff_user("supervisor", supervisor=True))
    listing = client.get(reverse("consultation_department_staff:index"))
    assert listing.status_code == 200 and "clerk" in listing.content.decode()
    response = client.post(
        reverse("consultation_department_staff:add"), {"user": clerk.pk, "department": departments["b"].pk}
    )
    assert response.status_code == 302
    assert DepartmentAssignment.objects.filter(user=clerk, department=departments["b"]).exists()
