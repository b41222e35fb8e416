"""The procedures app's periodic jobs, run by `manage.py run_scheduled_jobs` (see core/scheduling.py).

Weekly ticks start on Thursdays at 00:00 UTC (08:00 in Beijing): ticks are counted from the Unix
epoch, a Thursday.
"""

from datetime import datetime, timedelta

from cityportal.core.scheduling import scheduled_job

from . import linkcheck, upkeep


@scheduled_job("remind-guide-reviews", every=timedelta(days=7))
def remind_guide_reviews(now: datetime) -> str:
    """Email each owner department the list of its guides due for review (once per tick)."""
    return upkeep.send_review_reminders(now).summary()


@scheduled_job("check-guide-links", every=timedelta(days=7))
def check_guide_links(now: datetime) -> str:
    """Collect the live guides' outbound links and start checking them in the background."""
    return linkcheck.start_link_check()
