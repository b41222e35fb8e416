"""One registry of periodic jobs, run by `manage.py run_scheduled_jobs` every minute.

Each app declares its jobs in its own `jobs.py` (found with Django's autodiscover_modules):

    from cityportal.core.scheduling import scheduled_job

    @scheduled_job("purge-expired-bookings", every=timedelta(hours=1))
    def purge_expired_bookings(now: datetime) -> str:
        ...
        return "12 bookings anonymised"

A job gets the tick's time, must be idempotent (running it twice for one tick changes nothing more),
and returns a short summary for the run log.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

JobFunction = Callable[[datetime], object]


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    every: timedelta
    function: JobFunction


_jobs: dict[str, ScheduledJob] = {}


def register_job(name: str, function: JobFunction, *, every: timedelta) -> ScheduledJob:
    if name in _jobs and _jobs[name].function is not function:
        raise ValueError(f"Two scheduled jobs are named {name!r}.")
    job = ScheduledJob(name=name, every=every, function=function)
    _jobs[name] = job
    return job


def scheduled_job(name: str, *, every: timedelta) -> Callable[[JobFunction], JobFunction]:
    def decorator(function: JobFunction) -> JobFunction:
        register_job(name, function, every=every)
        return function

    return decorator


def registered_jobs() -> list[ScheduledJob]:
    autodiscover_modules("jobs")
    return sorted(_jobs.values(), key=lambda job: job.name)


# Ticks are aligned on multiples of the job's interval counted from the Unix epoch (UTC): an hourly
# job's tick is the full hour, a daily job's 00:00 UTC (08:00 in Beijing). Every server computes the
# same tick for the same minute, so the (job, tick) row claims it once for all of them.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def tick_for(job: ScheduledJob, now: datetime) -> datetime:
    """The start of the interval of `job` that contains `now`."""
    return EPOCH + ((now - EPOCH) // job.every) * job.every


def is_due(job: ScheduledJob, now: datetime) -> bool:
    """True while nobody has claimed the job's current tick."""
    from .models import ScheduledJobRun

    return not ScheduledJobRun.objects.filter(job=job.name, tick=tick_for(job, now)).exists()


def claim_tick(job: ScheduledJob, now: datetime):
    """Insert the (job, tick) row; return it, or None when another process has already claimed it."""
    from .models import ScheduledJobRun

    try:
        with transaction.atomic():
            return ScheduledJobRun.objects.create(job=job.name, tick=tick_for(job, now))
    except IntegrityError:
        return None


def run_claimed(job: ScheduledJob, run) -> None:
    """Run the job for its claimed tick and store the outcome; a failure is recorded, not raised."""
    try:
        result = job.function(run.tick)
    except Exception as error:  # noqa: BLE001 - one failing job must not stop the others; it is logged and stored
        logger.exception("Scheduled job %s failed for tick %s", job.name, run.tick.isoformat())
        run.succeeded = False
        run.summary = f"{type(error).__name__}: {error}"
    else:
        run.succeeded = True
        run.summary = "" if result is None else str(result)
    run.finished_at = timezone.now()
    run.save(update_fields=["succeeded", "summary", "finished_at"])
