"""The retention registry: each class of personal data, how it is purged, and for how long it is kept.

A capability that stores personal data registers its data class in its app's `privacy.py` (found with
autodiscover_modules, like `jobs.py`):

    from cityportal.core.retention import register_retention

    def purge_bookings(cutoff: datetime) -> int:
        # delete or anonymise what the retention period no longer covers; return how many rows
        ...

    register_retention(
        "bookings",
        purge=purge_bookings,
        count=count_expired_bookings,  # optional: what `purge_personal_data --dry-run` reports
        describe=_("Bookings, six months after the appointment date"),
    )

The period comes from settings.RETENTION[name] (RETENTION_<NAME>_DAYS in the environment), never from
the code: a data class registered without a period is a system check error (core.E100), so the portal
does not start with data it would keep forever. The daily job `purge-expired-personal-data`
(core/jobs.py) calls every purge with `now - period`; a purge must be idempotent.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import checks
from django.utils.module_loading import autodiscover_modules

PurgeFunction = Callable[[datetime], int]

# The Cybersecurity Law (art. 21): network logs are kept no less than six months.
MINIMUM_SECURITY_LOG_RETENTION = timedelta(days=184)


@dataclass(frozen=True)
class DataClass:
    name: str
    purge: PurgeFunction
    count: PurgeFunction | None
    describe: str


_registry: dict[str, DataClass] = {}


def register_retention(
    name: str, *, purge: PurgeFunction, count: PurgeFunction | None = None, describe: str = ""
) -> DataClass:
    """Register the purge of one data class. `purge(cutoff)` deletes or anonymises the data older
    than `cutoff` and returns how many records it changed; `count(cutoff)` says how many it would."""
    if name in _registry and _registry[name].purge is not purge:
        raise ValueError(f"Two purge functions are registered for the data class {name!r}.")
    data_class = DataClass(name=name, purge=purge, count=count, describe=describe)
    _registry[name] = data_class
    return data_class


def registered_data_classes() -> list[DataClass]:
    autodiscover_modules("privacy")
    return sorted(_registry.values(), key=lambda data_class: data_class.name)


def retention_period(name: str) -> timedelta | None:
    return getattr(settings, "RETENTION", {}).get(name)


def cutoff_for(name: str, now: datetime) -> datetime:
    """The moment before which data of this class is no longer kept."""
    period = retention_period(name)
    if period is None:
        raise LookupError(f"settings.RETENTION has no period for the data class {name!r}.")
    return now - period


@checks.register()
def check_retention_periods(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for data_class in registered_data_classes():
        period = retention_period(data_class.name)
        if period is None:
            errors.append(
                checks.Error(
                    f"The data class {data_class.name!r} is registered for purging but has no "
                    "retention period.",
                    hint=f'Add "{data_class.name}": timedelta(days=…) to RETENTION in settings/base.py, '
                    "state it in the privacy notice and document it in docs/privacy.md.",
                    id="core.E100",
                )
            )
        elif not isinstance(period, timedelta) or period <= timedelta(0):
            errors.append(
                checks.Error(
                    f"RETENTION[{data_class.name!r}] must be a positive timedelta, not {period!r}.",
                    id="core.E100",
                )
            )
    security_logs = retention_period("security_logs")
    if isinstance(security_logs, timedelta) and security_logs < MINIMUM_SECURITY_LOG_RETENTION:
        errors.append(
            checks.Error(
                "Security logs must be kept for at least six months (Cybersecurity Law, art. 21).",
                hint="Set RETENTION_SECURITY_LOGS_DAYS to 184 or more.",
                id="core.E101",
            )
        )
    return errors
