"""Forms of the public booking flow: the applicant's details, the booking itself, and "manage my booking".

The applicant's details travel between the steps in POST bodies only (hidden fields of the review
page), never in URLs, where logs and caches would keep them. The form that books and the form that
finds a booking are protected like every anonymous form (core.protection: same origin, honeypot,
proof-of-work, rate limits per IP and per email or reference).
"""

import re
import unicodedata
from functools import cache

from babel import Locale
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cityportal.core.forms import SensitiveDataConsentField
from cityportal.core.i18n import BABEL_LOCALES
from cityportal.core.protection import ProtectedFormMixin, RateLimit
from cityportal.core.references import normalise_reference
from cityportal.procedures.sorting import sort_key

from .models import DocumentType

# Babel's territories that are not ISO 3166-1 alpha-2 countries: regions, groupings, unknown, Kosovo.
NOT_ISO_3166 = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}

PHONE = re.compile(r"^\+[1-9][0-9 ()\-./]{5,30}$")
DOCUMENT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{2,29}$")
NAME_PUNCTUATION = set(" '’‘-.,·")


@cache
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(BABEL_LOCALES.get(language, "en")).territories
    names = {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_ISO_3166
    }
    # The portal follows the Chinese government's usage for Taiwan (the lead translates the name).
    names["TW"] = str(_("Taiwan, China"))
    return tuple(sorted(names.items(), key=lambda item: sort_key(item[1], language)))


def countries() -> tuple[tuple[str, str], ...]:
    """(ISO 3166-1 alpha-2 code, name in the visitor's language), in the language's A–Z order."""
    return _countries(get_language() or settings.FALLBACK_LANGUAGE_CODE)


def country_name(code: str) -> str:
    return dict(countries()).get(code, code)


def nationality_choices() -> list[tuple[str, str]]:
    return [("", _("Choose a country or region")), *countries()]


def clean_phone(value: str) -> str:
    """A phone number with its country code: "+86 138 0000 0000"; a "00" prefix is read as "+"."""
    value = " ".join(value.split())
    if value.startswith("00"):
        value = "+" + value[2:]
    digits = re.sub(r"\D", "", value)
    if not PHONE.match(value) or not 8 <= len(digits) <= 15:
        raise forms.ValidationError(
            _("Enter the phone number with its country code, starting with +, e.g. +86 10 5555 0100."),
            code="invalid",
        )
    return value


def clean_full_name(value: str) -> str:
    value = " ".join(value.split())
    allowed = all(unicodedata.category(char)[0] in "LM" or char in NAME_PUNCTUATION for char in value)
    if not allowed or not any(unicodedata.category(char)[0] == "L" for char in value):
        raise forms.ValidationError(
            _("Enter your name as it is written in your document: letters, spaces, hyphens and apostrophes."),
            code="invalid",
        )
    return value


def clean_document_number(value: str) -> str:
    value = " ".join(value.split()).upper()
    if not DOCUMENT_NUMBER.match(value):
        raise forms.ValidationError(
            _("Enter the document number as it is printed: 3 to 30 letters and digits."), code="invalid"
        )
    return value


class ApplicantForm(forms.Form):
    """Who comes: the details step, and the hidden copy of it that the review page sends back."""

    full_name = forms.CharField(
        label=_("Full name as in your document"),
        max_length=200,
        help_text=_("As printed in the passport or permit you will bring, e.g. “MÜLLER ANNA MARIA”."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=nationality_choices,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    document_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=DocumentType.choices,
        initial=DocumentType.PASSPORT,
        help_text=_("The document you will show at the office."),
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the confirmation and a reminder here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}),
    )
    phone = forms.CharField(
        label=_("Phone number with country code"),
        max_length=32,
        help_text=_("For example +86 138 0000 0000 or +49 30 1234 5678."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}),
    )
    document_consent = SensitiveDataConsentField(
        data=_("your identity document number"),
        purpose=_("checking your identity at the office and allowing one booking per person and service"),
    )

    def clean_full_name(self) -> str:
        return clean_full_name(self.cleaned_data["full_name"])

    def clean_document_number(self) -> str:
        return clean_document_number(self.cleaned_data["document_number"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def consent_text(self) -> str:
        return self.fields["document_consent"].consent_text()

    def carried(self) -> list[tuple[str, str]]:
        """The cleaned answers as (name, value) pairs for the hidden fields of the next step."""
        values = []
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if name == "document_consent":
                if value:
                    values.append((name, "on"))
            elif value is not None:
                values.append((name, str(value)))
        return values


class BookingForm(ProtectedFormMixin, ApplicantForm):
    """The review page's "Confirm booking": the same answers, now checked against abuse."""

    # A family or a company's assistant may book several people from one address: generous per IP,
    # tighter per email address.
    rate_limit = RateLimit("book-appointment", per_ip="30/h", per_identifier="8/h")
    identifier_field = "email"
    challenge_verdict = None

    def _refuse_challenge(self, verdict):
        # Remembered so the view can tell a double click (the same proof-of-work sent twice, refused as
        # a replay) from a real refusal, and show the booking the first click made.
        self.challenge_verdict = verdict
        super()._refuse_challenge(verdict)


class ManageForm(ProtectedFormMixin, forms.Form):
    """Reference and email address: the key to a booking. Every step of "manage" sends both again."""

    rate_limit = RateLimit("manage-booking", per_ip="30/h", per_identifier="10/h")
    identifier_field = "reference"  # someone who knows a reference cannot try many addresses

    reference = forms.CharField(
        label=_("Booking reference"),
        max_length=40,
        help_text=_("Ten letters and digits, as on your confirmation, e.g. K7QM3-XHD9P."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters", "dir": "ltr"}
        ),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you gave when you booked."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}),
    )

    def clean_reference(self) -> str:
        reference = normalise_reference(self.cleaned_data["reference"])
        if not reference:
            raise forms.ValidationError(
                _("Enter the reference as it is shown on your confirmation: ten letters and digits."),
                code="invalid",
            )
        return reference

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()
