"""Finding personal data in text staff are about to publish (the FAQ's public text).

Publishing is refused while the text still holds an email address, a phone number or an ID-like
number (passport, Chinese resident ID, permit numbers). The patterns err on the side of refusing:
staff can always rephrase, and a published passport number cannot be taken back. Written here
because no maintained library detects Chinese ID and permit formats alongside international ones.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Full-width digits and letters (common in CJK text) are folded first, so "１３８…" is caught too.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+\s*(?:@|＠|\(at\)|\[at\])\s*[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Seven or more digits, allowing spaces, dots, dashes and brackets between them, with an optional +.
PHONE = re.compile(r"(?<![A-Za-z0-9])\+?\(?\d(?:[\s.\-()]{0,2}\d){6,}(?![A-Za-z0-9])")
# Dates ("2026-10-01", "2026.10.01") look like phone numbers and are not personal data.
DATE = re.compile(r"(?<!\d)(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})(?!\d)")
# Amounts grouped in thousands ("1 000 000", "1,000,000") are not phone numbers either.
GROUPED = re.compile(r"\d{1,3}(?:[\s.,]\d{3})+")
# Letters then six or more digits, or the Chinese ID (17 digits and a digit or X): passports,
# residence permits, visa numbers. Years ("2026") and short codes ("A1") are left alone.
ID_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z]{1,3}[\s-]?\d{6,12}|\d{17}[\dX])(?![A-Za-z0-9])", re.IGNORECASE
)


@dataclass(frozen=True)
class Finding:
    kind: str  # "email", "phone", "id"
    text: str

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


LABELS = {
    "email": _("an email address"),
    "phone": _("a phone number"),
    "id": _("an ID-like number"),
}


def find_personal_data(text: str) -> list[Finding]:
    """Every email address, phone number and ID-like number in `text`, in order of appearance."""
    folded = text.translate(_FULLWIDTH)
    found: list[tuple[int, Finding]] = []
    taken: list[range] = []
    # Dates are blanked out before phone numbers are looked for ("2026-10-01 09:00" is not a number).
    without_dates = DATE.sub(lambda match: " " * len(match[0]), folded)
    for kind, pattern, scanned in (
        ("email", EMAIL, folded),
        ("id", ID_NUMBER, folded),
        ("phone", PHONE, without_dates),
    ):
        for match in pattern.finditer(scanned):
            if any(match.start() in span for span in taken) or (
                kind == "phone" and GROUPED.fullmatch(match[0])
            ):
                continue
            taken.append(range(match.start(), match.end()))
            found.append((match.start(), Finding(kind, text[match.start() : match.end()])))
    return [finding for _start, finding in sorted(found, key=lambda item: item[0])]
