"""Who may see and answer which questions.

Two roles, made as groups by migration 0002 (docs/consultations.md):
- *Consultation staff* see the questions of the departments they are assigned to
  (DepartmentAssignment) and those assigned to them personally; another department's question
  answers 404, as if it did not exist.
- *Consultation supervisors* (and superusers) hold `consultations.see_all_departments`: every
  question, including new ones not yet given to a department (they triage them).

The model permission says *what* a user may do, the department scope *which* questions: every
admin view checks both, and querysets are narrowed here rather than in each view.
"""

from django.db.models import Q, QuerySet

from cityportal.core.models import Department

from .models import Question

SEE_ALL = "consultations.see_all_departments"
STAFF_GROUP = "Consultation staff"
SUPERVISORS_GROUP = "Consultation supervisors"


def sees_all_departments(user) -> bool:
    return user.is_active and user.has_perm(SEE_ALL)


def departments_for(user) -> QuerySet[Department]:
    """The departments whose questions `user` answers (none for an anonymous user)."""
    if not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    if sees_all_departments(user):
        return Department.objects.all()
    return Department.objects.filter(consultation_staff__user=user).distinct()


def questions_for(user) -> QuerySet[Question]:
    if not user.is_authenticated or not user.is_active or not user.has_perm("consultations.view_question"):
        return Question.objects.none()
    if sees_all_departments(user):
        return Question.objects.all()
    return Question.objects.filter(Q(department__consultation_staff__user=user) | Q(assignee=user)).distinct()


def can_work_on(user, question: Question) -> bool:
    return questions_for(user).filter(pk=question.pk).exists()
