"""The core app's periodic jobs, run by `manage.py run_scheduled_jobs` (see core/scheduling.py)."""

from datetime import datetime, timedelta

from cityportal.core.scheduling import scheduled_job
from cityportal.core.services import messaging, privacy, publishing


@scheduled_job("publish-scheduled-pages", every=timedelta(minutes=1))
def publish_scheduled_pages(now: datetime) -> str:
    """Wagtail's scheduled publishing: publish approved revisions whose go-live time has passed and
    unpublish pages and snippets whose expiry time has passed (`manage.py publish_scheduled`)."""
    return publishing.publish_scheduled()


@scheduled_job("retry-outbound-email", every=timedelta(minutes=1))
def retry_outbound_email(now: datetime) -> str:
    """Enqueue a send task for each email that is due (a retry whose back-off has elapsed, or a
    message whose first task could not be enqueued)."""
    return messaging.enqueue_due_emails()


@scheduled_job("purge-expired-personal-data", every=timedelta(days=1))
def purge_expired_personal_data(now: datetime) -> str:
    """Delete or anonymise every registered class of personal data older than its retention period
    (core/retention.py, docs/privacy.md)."""
    results = privacy.purge_expired_personal_data(now)
    summary = "; ".join(str(result) for result in results) or "no data classes registered"
    failed = [result.data_class for result in results if result.error]
    if failed:
        # Fail the run so it shows in the job log; the other classes were purged all the same.
        raise RuntimeError(f"Purge failed for {', '.join(failed)}. {summary}")
    return summary
