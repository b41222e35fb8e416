"""Privacy services: purging expired personal data, and answering access and erasure requests."""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from cityportal.core.data_requests import Record, registered_providers
from cityportal.core.retention import cutoff_for, registered_data_classes, retention_period
from cityportal.core.security_log import log_security_event, mask_reference

logger = logging.getLogger(__name__)

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")


# --- Retention ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    data_class: str
    cutoff: datetime | None
    count: int | None  # None: not counted (a dry run of a purge without a count function) or failed
    error: str = ""

    def __str__(self) -> str:
        if self.error:
            return f"{self.data_class}: FAILED ({self.error})"
        count = "?" if self.count is None else self.count
        return f"{self.data_class}: {count}"


def purge_expired_personal_data(now: datetime, *, dry_run: bool = False) -> list[PurgeResult]:
    """Call every registered purge with now - RETENTION[class]. Each class runs in its own transaction,
    so one failing purge does not keep the others from running; the failure is logged and reported.
    Running it twice for the same `now` changes nothing the second time."""
    results = []
    for data_class in registered_data_classes():
        if retention_period(data_class.name) is None:  # also a system check error (core.E100)
            results.append(PurgeResult(data_class.name, None, None, error="no retention period"))
            continue
        cutoff = cutoff_for(data_class.name, now)
        if dry_run:
            count = data_class.count(cutoff) if data_class.count else None
            results.append(PurgeResult(data_class.name, cutoff, count))
            continue
        try:
            with transaction.atomic():
                count = data_class.purge(cutoff)
        except Exception as error:  # noqa: BLE001 - one data class must not block the others' purge
            logger.exception("Purging %s failed", data_class.name)
            results.append(PurgeResult(data_class.name, cutoff, None, error=type(error).__name__))
            continue
        results.append(PurgeResult(data_class.name, cutoff, count))
        if count:
            log_security_event("retention.purged", data_class=data_class.name, cutoff=cutoff, count=count)
    return results


# --- Access and erasure requests ------------------------------------------------------------------


def normalise_reference(reference: str) -> str:
    return re.sub(r"\s+", "", reference).upper()


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class ErasureOutcome:
    provider: str
    label: str
    description: str


def find_personal_data(
    reference: str, email: str, *, request=None, event: str = "data_request.viewed"
) -> list[Record]:
    """Every record the providers hold for this reference *and* this email address."""
    reference, email = normalise_reference(reference), normalise_email(email)
    records = []
    if REFERENCE_PATTERN.match(reference) and email:
        for provider in registered_providers():
            records.extend(provider.find(reference, email))
    log_security_event(
        event,
        request=request,
        reference=mask_reference(reference),
        found=len(records),
        providers=sorted({record.provider for record in records}),
    )
    return records


def export_personal_data(reference: str, email: str, *, request=None) -> dict:
    """A machine-readable copy of the visitor's data (PIPL art. 45), by provider."""
    reference, email = normalise_reference(reference), normalise_email(email)
    copy = {}
    if REFERENCE_PATTERN.match(reference) and email:
        for provider in registered_providers():
            records = provider.find(reference, email)
            if records:
                copy[provider.name] = provider.export(records)
    log_security_event(
        "data_request.exported", request=request, reference=mask_reference(reference), providers=sorted(copy)
    )
    return copy


def erase_personal_data(reference: str, email: str, *, request=None) -> list[ErasureOutcome]:
    """Erase or anonymise, through each provider, what it holds for this reference and email address.
    One transaction: either every provider's erasure is kept, or none."""
    reference, email = normalise_reference(reference), normalise_email(email)
    outcomes = []
    if REFERENCE_PATTERN.match(reference) and email:
        with transaction.atomic():
            for provider in registered_providers():
                records = provider.find(reference, email)
                if records:
                    outcomes.append(
                        ErasureOutcome(provider.name, str(provider.label), provider.erase(records))
                    )
    log_security_event(
        "data_request.erased",
        request=request,
        reference=mask_reference(reference),
        providers=[outcome.provider for outcome in outcomes],
    )
    return outcomes
