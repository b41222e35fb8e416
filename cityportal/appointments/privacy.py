"""The appointments app's personal data: bookings (docs/privacy.md).

A booking holds the applicant's name, email, phone and document number (encrypted, with its blind
index). RETENTION["bookings"] after the appointment ended, the daily purge anonymises it: the person
is gone, the row stays (service, office, time, nationality, language, status) for statistics such
as no-show rates. On the "my data" page, a visitor with the booking's reference and email address
sees it, downloads it (document number masked) and can have it erased: an active booking is then
cancelled, giving its place back, and anonymised.

Key rotation (`manage.py rotate_personal_data_keys`) re-encrypts the stored document numbers under
the first key of PERSONAL_DATA_KEYS, and with `--reindex` recomputes their blind index under the
current BLIND_INDEX_KEY.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cityportal.core.crypto import (
    PersonalDataKeyError,
    blind_index,
    decrypt_personal,
    mask_document_number,
    rotate_personal,
)
from cityportal.core.data_requests import Record, register_personal_data_provider
from cityportal.core.references import normalise_reference
from cityportal.core.retention import register_retention
from cityportal.core.templatetags.core_tags import format_datetime

from .models import Booking, BookingStatus
from .services import cancel_booking

PROVIDER = "bookings"


# --- Retention ------------------------------------------------------------------------------------


def anonymise(bookings: QuerySet[Booking]) -> int:
    """Clear the person from `bookings` in one UPDATE; bookings already anonymised are left alone.

    The blind index becomes "anonymised-<id>", not "": an anonymised booking may still be active
    (nobody marked it attended), and the one-active-booking-per-person constraint must not see two
    of them as the same person."""
    return bookings.filter(anonymised_at__isnull=True).update(
        full_name="",
        email="",
        phone="",
        document_number_encrypted="",
        document_index=Concat(Value("anonymised-"), Cast("pk", output_field=CharField())),
        consent_text="",
        submission_token=None,
        anonymised_at=timezone.now(),
    )


def expired_bookings(cutoff: datetime) -> QuerySet[Booking]:
    """Bookings whose appointment ended before `cutoff` and that still hold a person's data."""
    return Booking.objects.filter(slot__ends_at__lt=cutoff, anonymised_at__isnull=True)


def purge_bookings(cutoff: datetime) -> int:
    return anonymise(expired_bookings(cutoff))


def count_expired_bookings(cutoff: datetime) -> int:
    return expired_bookings(cutoff).count()


register_retention(
    "bookings",
    purge=purge_bookings,
    count=count_expired_bookings,
    describe=_("Bookings, anonymised after the appointment date (the counts stay)"),
)


# --- Access and erasure ---------------------------------------------------------------------------


def masked_document_number(booking: Booking) -> str:
    try:
        return mask_document_number(decrypt_personal(booking.document_number_encrypted))
    except PersonalDataKeyError:  # a removed key: say so rather than fail the visitor's request
        return "?"


def find_bookings(reference: str, email: str) -> list[Record]:
    reference = normalise_reference(reference)
    if not reference or not email:
        return []
    booking = (
        Booking.objects.select_related("slot__office", "service")
        .filter(reference=reference, email__iexact=email, anonymised_at__isnull=True)
        .first()
    )
    if booking is None:
        return []
    return [
        Record(
            provider=PROVIDER,
            key=str(booking.pk),
            title=gettext("Appointment %(reference)s") % {"reference": booking.reference},
            fields=(
                (gettext("Service"), booking.service.name),
                (gettext("Office"), booking.slot.office.name),
                (gettext("Time (Beijing time)"), format_datetime(booking.slot.starts_at, "medium")),
                (gettext("Status"), str(booking.get_status_display())),
                (gettext("Full name"), booking.full_name),
                (gettext("Nationality"), booking.nationality),
                (gettext("Document"), str(booking.get_document_type_display())),
                (gettext("Document number"), masked_document_number(booking)),
                (gettext("Email"), booking.email),
                (gettext("Phone"), booking.phone),
            ),
            created_at=booking.created_at,
        )
    ]


def _bookings(records: list[Record]) -> QuerySet[Booking]:
    keys = [record.key for record in records if record.provider == PROVIDER]
    return Booking.objects.filter(pk__in=keys, anonymised_at__isnull=True).select_related("slot", "service")


def export_bookings(records: list[Record]) -> list[dict]:
    """Everything the booking holds about the person; the document number masked, since a downloaded
    file travels further than the page."""
    return [
        {
            "reference": booking.reference,
            "service": booking.service.code,
            "office": booking.slot.office.code,
            "starts_at": booking.slot.starts_at.isoformat(),
            "ends_at": booking.slot.ends_at.isoformat(),
            "status": booking.status,
            "full_name": booking.full_name,
            "nationality": booking.nationality,
            "document_type": booking.document_type,
            "document_number": masked_document_number(booking),
            "email": booking.email,
            "phone": booking.phone,
            "language": booking.language,
            "consent_text": booking.consent_text,
            "consented_at": booking.consented_at.isoformat(),
            "created_at": booking.created_at.isoformat(),
            "cancelled_at": booking.cancelled_at.isoformat() if booking.cancelled_at else None,
            "checked_in_at": booking.checked_in_at.isoformat() if booking.checked_in_at else None,
        }
        for booking in _bookings(records).select_related("slot__office").order_by("pk")
    ]


def erase_bookings(records: list[Record]) -> str:
    """Cancel the upcoming ones (their places go back to others) and anonymise them all. No email is
    sent: the visitor is on the page that tells them, and asked us to stop using their address."""
    bookings = list(_bookings(records))
    now = timezone.now()
    for booking in bookings:
        if booking.status == BookingStatus.ACTIVE and booking.slot.ends_at > now:
            cancel_booking(booking, now=now)
    erased = anonymise(Booking.objects.filter(pk__in=[booking.pk for booking in bookings]))
    return ngettext(
        "Anonymised %(count)d appointment (an upcoming one is cancelled).",
        "Anonymised %(count)d appointments (upcoming ones are cancelled).",
        erased,
    ) % {"count": erased}


register_personal_data_provider(
    PROVIDER,
    label=_("Appointments"),
    find=find_bookings,
    export=export_bookings,
    erase=erase_bookings,
)


# --- Key rotation ---------------------------------------------------------------------------------


@dataclass
class Rotation:
    total: int = 0
    rotated: int = 0  # re-encrypted (and reindexed), or that would be in a dry run
    unreadable: list[int] = field(default_factory=list)  # booking ids no configured key decrypts


def with_document_number() -> QuerySet[Booking]:
    return Booking.objects.filter(anonymised_at__isnull=True).exclude(document_number_encrypted="")


def rotate_document_numbers(
    *,
    reindex: bool = False,
    dry_run: bool = False,
    batch_size: int = 500,
    progress: Callable[[Rotation], None] | None = None,
) -> Rotation:
    """Re-encrypt every stored document number under the current key, a batch per transaction.

    Each row is written with a conditional UPDATE on its old ciphertext, so a booking anonymised or
    rebooked meanwhile is left as it now is. A value no configured key opens is counted in
    `unreadable` and left unchanged: its key must not be removed yet. A dry run decrypts everything
    and writes nothing."""
    rotation = Rotation(total=with_document_number().count())
    last_pk = 0
    while True:
        batch = list(
            with_document_number()
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "document_number_encrypted", "document_type")[:batch_size]
        )
        if not batch:
            return rotation
        with transaction.atomic():
            for pk, token, document_type in batch:
                try:
                    number = decrypt_personal(token)
                    changes = {"document_number_encrypted": rotate_personal(token)}
                except (PersonalDataKeyError, InvalidToken):
                    rotation.unreadable.append(pk)
                    continue
                if reindex:
                    changes["document_index"] = blind_index(number, scope=document_type)
                if dry_run:
                    rotation.rotated += 1
                    continue
                rotation.rotated += Booking.objects.filter(pk=pk, document_number_encrypted=token).update(
                    **changes
                )
        last_pk = batch[-1][0]
        if progress:
            progress(rotation)
