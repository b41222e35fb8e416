"""QR codes of booking references: shown on the confirmation page, attached to emails.

A QR code holds only the reference (never a name or a document number), so staff can scan it at
the counter to find the booking. The reference's alphabet (digits, upper-case Latin letters and a
hyphen) is QR's compact alphanumeric mode: a small, regular QR code that any phone reads (no Micro
QR, which many phone apps cannot read).
"""

import io

import segno
from django.utils.translation import gettext

from cityportal.core.references import normalise_reference


def _qr_code(reference: str) -> segno.QRCode:
    # The SVG is marked safe by its callers, so only a well-formed reference may go into it.
    if not reference or normalise_reference(reference) != reference:
        raise ValueError(f"Not a booking reference: {reference!r}")
    return segno.make(reference, error="m", micro=False)


def reference_qr_svg(reference: str) -> str:
    """Inline SVG markup (safe to mark_safe), 116 px square (CSS may resize it), named for screen readers.

    The white background keeps it readable by scanners on a dark page or a dark-mode screen."""
    title = gettext("QR code of booking reference %(reference)s") % {"reference": reference}
    code = _qr_code(reference)
    # segno writes either a size or a viewBox; with both, CSS can scale it without cropping.
    svg = code.svg_inline(
        scale=4, border=4, light="#fff", title=title, omitsize=True, svgclass="booking-qr", lineclass=None
    )
    width, height = code.symbol_size(scale=4, border=4)
    return svg.replace("<svg ", f'<svg role="img" width="{width}" height="{height}" ', 1)


def reference_qr_png(reference: str) -> bytes:
    """A PNG of the QR code, large enough to scan from a phone screen, for email attachments."""
    buffer = io.BytesIO()
    _qr_code(reference).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
