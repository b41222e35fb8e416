"""How a booking is shown to staff: the document number masked, the holder's language named."""

from django.utils.translation import gettext

from cityportal.core import i18n
from cityportal.core.crypto import PersonalDataKeyError, decrypt_personal, mask_document_number

from ..models import Booking


def masked_document_number(booking: Booking) -> str:
    """The last three characters only; a dash once the retention job has anonymised the booking."""
    if not booking.document_number_encrypted or booking.anonymised_at:
        return "—"
    try:
        return mask_document_number(decrypt_personal(booking.document_number_encrypted))
    except PersonalDataKeyError:
        return gettext("(cannot be decrypted)")


def affected_rows(bookings: list[Booking]) -> list[tuple[Booking, str, str]]:
    """What staff see before confirming a cancellation: each booking, its masked document number,
    and the language its holder will be emailed in."""
    served = set(i18n.language_codes())
    return [
        (
            booking,
            masked_document_number(booking),
            i18n.language_name(booking.language) if booking.language in served else booking.language,
        )
        for booking in bookings
    ]
