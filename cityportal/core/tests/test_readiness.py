"""/healthz/live (liveness, no database) beside /healthz (readiness, with the task queue's age)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cityportal.core.services.messaging import queue_email


def test_liveness_answers_without_touching_the_database():
    # No `db` fixture: pytest-django would fail the test on any database access.
    response = Client().get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_reports_the_age_of_the_oldest_waiting_task(client, db):
    DBTaskResult.objects.all().delete()
    assert client.get("/healthz").json()["oldest_task_age"] == 0

    queue_email("a@example.org", "Subject", "Text", language="en", purpose="test")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=90))

    response = client.get("/healthz")
    assert response.status_code == 200
    assert 90 <= response.json()["oldest_task_age"] <= 92


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live"])
def test_health_checks_refuse_writes(client, db, path):
    assert client.post(path).status_code == 405
