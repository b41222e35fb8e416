"""Background tasks of the news app, run by the database worker (see core.taskqueue)."""

from django.tasks import task


@task()
def send_page_alerts(page_id: int) -> int:
    """Email the immediate subscribers of a page published for the first time in its language
    (enqueued by news.signals); each subscriber once, however often the task runs."""
    from .alerts import send_page_alerts as send

    return send(page_id)
