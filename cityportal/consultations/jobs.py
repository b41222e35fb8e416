"""The consultations app's periodic jobs, run by `manage.py run_scheduled_jobs` (core/scheduling.py)."""

from datetime import datetime, timedelta

from django.utils.translation import ngettext

from cityportal.core.scheduling import scheduled_job

from .services import sweep_orphan_attachment_files


@scheduled_job("sweep-question-files", every=timedelta(hours=6))
def sweep_question_files(now: datetime) -> str:
    """Delete attachment files that no question refers to (left by a rolled-back submission or a crash)."""
    removed = sweep_orphan_attachment_files(now)
    return ngettext(
        "%(count)d file without a question deleted.", "%(count)d files without a question deleted.", removed
    ) % {"count": removed}
