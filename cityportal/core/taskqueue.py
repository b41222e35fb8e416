"""The background task queue: Django's tasks framework on django-tasks-db's database backend (ADR 007).

Tasks are rows of the `django_tasks_db` table in the portal's own database (SQLite or PostgreSQL),
run by `manage.py db_worker` (`make run` starts one beside the web server).

Wagtail 8 and django-modelsearch declare their tasks (search index, reference index, image focal
points, file deletion) with the `django_tasks` backport, but its decorator builds the configured
backend's `task_class`: with django-tasks-db on Django 6 that is Django's own Task, so they are queued
here and run by the same worker (tested in core/tests/test_taskqueue.py).
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.tasks import TaskResultStatus
from django.tasks.base import Task
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction


def run_queued_tasks(*, backend: str = "default", limit: int | None = None) -> int:
    """Run every task that is due, one after another, in this process; return how many ran.

    It claims and runs each task exactly as `db_worker` does (so a worker elsewhere never runs the same
    one), without the worker's connection recycling, so it also works inside a test's transaction.
    """
    ran = 0
    if limit is not None and limit <= 0:
        return ran
    for _result in queued_task_results(backend=backend):
        ran += 1
        if limit is not None and ran >= limit:
            break
    return ran


def queued_task_results(*, backend: str = "default", task_path: str = "") -> Iterator[DBTaskResult]:
    """Claim and run the due tasks (only those of `task_path` when given) as `run_queued_tasks`
    does, yielding each one's result row after it ran (a failure is recorded there, not raised)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id=f"in-process-{get_random_string(8)}",
        excluded_queue_names=[],
    )
    tasks = DBTaskResult.objects.ready().filter(backend_name=backend)
    if task_path:
        tasks = tasks.filter(task_path=task_path)
    while True:
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            return
        worker.run_task(task_result)
        yield task_result


def oldest_waiting_task_enqueued_at(*, backend: str = "default") -> datetime | None:
    """When the oldest task that is due but not yet started was enqueued (None: nothing waits)."""
    return (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )


def oldest_waiting_task_age(*, now: datetime | None = None) -> int:
    """Seconds the oldest due task has been waiting for a worker; 0 when the queue is empty."""
    enqueued_at = oldest_waiting_task_enqueued_at()
    if enqueued_at is None:
        return 0
    return max(0, int(((now or timezone.now()) - enqueued_at).total_seconds()))


def waiting_task_arguments(task: Task, *, running_for_at_most: timedelta) -> list[dict]:
    """The args/kwargs of each queued or recently started run of `task` (to avoid enqueuing twice)."""
    recent = timezone.now() - running_for_at_most
    rows = DBTaskResult.objects.filter(task_path=task.module_path).filter(
        status=TaskResultStatus.READY
    ) | DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.RUNNING, started_at__gte=recent
    )
    return list(rows.values_list("args_kwargs", flat=True))
