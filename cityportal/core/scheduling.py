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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.module_loading import autodiscover_modules

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
