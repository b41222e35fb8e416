"""The news app's periodic jobs, run by `manage.py run_scheduled_jobs` (see core/scheduling.py)."""

from datetime import datetime, timedelta

from django.utils.translation import ngettext

from cityportal.core.models import ScheduledJobRun
from cityportal.core.scheduling import scheduled_job

from . import alerts, notices

NOTICE_TICK = timedelta(minutes=1)
# After an outage the job looks back to its previous run, but never further than this.
NOTICE_LOOKBACK_LIMIT = timedelta(days=1)


@scheduled_job("notice-boundaries", every=NOTICE_TICK)
def notice_boundaries(now: datetime) -> str:
    """When a notice started or ended since the previous tick, purge every page's cached copy: the
    banner is on all of them. (The banner's own cache entry already expires at that moment.)"""
    from cityportal.publishing.purge import purge_site_wide

    previous = (
        ScheduledJobRun.objects.filter(
            job="notice-boundaries", tick__lt=now, tick__gte=now - NOTICE_LOOKBACK_LIMIT
        )
        .order_by("-tick")
        .values_list("tick", flat=True)
        .first()
    )
    since = previous or now - NOTICE_TICK
    changed = notices.boundaries_between(since, now)
    if not changed:
        return "No notice started or ended."
    purge_site_wide()
    return ngettext(
        "%(count)d notice started or ended: pages purged.",
        "%(count)d notices started or ended: pages purged.",
        changed,
    ) % {"count": changed}


@scheduled_job("send-alert-digests", every=timedelta(hours=1))
def send_alert_digests(now: datetime) -> str:
    """Send the weekly digest to each weekly subscriber whose last one is a week old."""
    sent = alerts.send_weekly_digests(now)
    return ngettext("%(count)d weekly digest sent.", "%(count)d weekly digests sent.", sent) % {"count": sent}
