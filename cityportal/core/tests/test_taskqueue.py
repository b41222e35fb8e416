"""Background tasks go through the database queue: Wagtail's index updates included."""

import pytest
from django.conf import settings
from django.tasks import TaskResultStatus, task_backends
from django_tasks import task_backends as backport_task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from cityportal.core.taskqueue import oldest_waiting_task_age, run_queued_tasks
from cityportal.home.models import ContentPage
from cityportal.home.tests.factories import ContentPageFactory


def test_tasks_use_the_database_backend_in_every_environment():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert isinstance(task_backends["default"], DatabaseBackend)
    # Wagtail declares its tasks with the django_tasks backport, which reads the same setting.
    assert isinstance(backport_task_backends["default"], DatabaseBackend)


def test_wagtail_search_index_updates_are_queued_and_run_by_the_worker(portal):
    parent = portal.sections["study"]["en"]
    DBTaskResult.objects.all().delete()

    page = ContentPageFactory(parent=parent, title="Scholarship zebracorn", slug="scholarship-zebracorn")

    queued = set(DBTaskResult.objects.ready().values_list("task_path", flat=True))
    assert "modelsearch.tasks.insert_or_update_object_task" in queued
    assert "wagtail.tasks.update_reference_index_task" in queued
    assert not ContentPage.objects.live().search("zebracorn")  # not indexed before the worker runs

    assert run_queued_tasks() >= 2

    assert not DBTaskResult.objects.ready().exists()
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    assert [result.pk for result in Page.objects.live().search("zebracorn")] == [page.pk]


def test_the_oldest_waiting_task_age_is_zero_for_an_empty_queue(db):
    DBTaskResult.objects.all().delete()
    assert oldest_waiting_task_age() == 0


@pytest.mark.django_db
def test_the_oldest_waiting_task_age_counts_from_its_enqueue_time(portal):
    from datetime import timedelta

    from django.utils import timezone

    DBTaskResult.objects.all().delete()
    ContentPageFactory(parent=portal.sections["live"]["en"], slug="aging")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    assert 299 <= oldest_waiting_task_age() <= 301
