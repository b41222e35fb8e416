"""How a booking is shown to staff: the document number masked, CSV cells that cannot run formulas."""

from django.utils.translation import gettext

from cityportal.core import i18n
from cityportal.core.crypto import PersonalDataKeyError, decrypt_personal, mask_document_number

from ..models import Booking

# A spreadsheet runs a cell beginning with one of these as a formula (CSV injection); a leading
# apostrophe makes it text. Tab and carriage return are included as OWASP advises.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def masked_document_number(booking: Booking) -> str:
    """The last three characters only; a dash once the retention job has anonymised the booking."""
    if not booking.document_number_encrypted or booking.anonymised_at:
        return "—"
    try:
        return mask_document_number(decrypt_personal(booking.document_number_encrypted))
    except PersonalDataKeyError:
        return gettext("(cannot be decrypted)")


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
