"""Test data for questions and the FAQ: QuestionFactory, FAQEntryFactory, staff users."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Locale

from cityportal.core.sections import Section

from ..models import DepartmentAssignment, FAQEntry, Question, QuestionStatus
from ..permissions import STAFF_GROUP, SUPERVISORS_GROUP
from ..services import new_question_reference


class QuestionFactory(factory.django.DjangoModelFactory):
    """A new question received now, due in five working days' time (roughly: a week)."""

    class Meta:
        model = Question

    reference = factory.LazyFunction(new_question_reference)
    language = "en"
    section = Section.LIVE
    text = factory.Sequence(lambda n: f"How do I register my address after moving house? ({n})")
    name = "Alex Doe"
    email = factory.Sequence(lambda n: f"visitor{n}@example.org")
    status = QuestionStatus.NEW
    received_at = factory.LazyFunction(timezone.now)
    due_on = factory.LazyAttribute(
        lambda question: (timezone.localtime(question.received_at) + timedelta(days=7)).date()
    )
    consent_at = factory.LazyAttribute(lambda question: question.received_at)

    class Params:
        answered = factory.Trait(
            status=QuestionStatus.ANSWERED,
            first_answered_at=factory.LazyAttribute(
                lambda question: question.received_at + timedelta(days=2)
            ),
        )
        closed = factory.Trait(
            status=QuestionStatus.CLOSED,
            closed_at=factory.LazyAttribute(lambda question: question.received_at),
        )


class FAQEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQEntry

    locale = factory.LazyFunction(lambda: Locale.objects.get(language_code="en"))
    section = Section.LIVE
    question = factory.Sequence(lambda n: f"Where do I register my stay? ({n})")
    answer = "At the police station near where you stay, within 24 hours of arrival (sample answer)."
    published_at = factory.LazyFunction(timezone.now)


def staff_user(username: str, *, departments=(), supervisor: bool = False):
    """A consultation staff member (or supervisor) assigned to `departments`."""
    user = get_user_model().objects.create_user(
        username=username, password="password", email=f"{username}@example.org"
    )
    user.groups.add(Group.objects.get(name=SUPERVISORS_GROUP if supervisor else STAFF_GROUP))
    for department in departments:
        DepartmentAssignment.objects.create(user=user, department=department)
    return user
