"""Forms of the core app: the personal data request form, and the separate consent for sensitive
personal information that capabilities add to their own forms."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .protection import ProtectedFormMixin, RateLimit
from .services.privacy import REFERENCE_PATTERN, normalise_email, normalise_reference

# --- Separate consent for sensitive personal information (PIPL art. 28-29) --------------------------


def _interpolate(message, **values):
    """`message % values`, translated when it is rendered (in the visitor's language), not when the
    form class is defined."""
    return lazy(lambda: str(message) % {name: str(value) for name, value in values.items()}, str)()


class SensitiveDataConsentField(forms.BooleanField):
    """A separate, unticked checkbox asking consent for one kind of sensitive personal information.

    PIPL art. 29 requires a *separate* consent for sensitive personal information (identity document
    numbers, health, religion, financial accounts, precise location, data of children under 14…),
    so the consent is not part of the general notice or another checkbox. Name the data and the
    purpose with lazily translated noun phrases:

        passport_consent = SensitiveDataConsentField(
            data=_("your passport number"), purpose=_("checking your identity at the appointment")
        )

    Store `field.consent_text()` (the exact sentence shown, in the visitor's language) with the time
    of consent next to the data, so the consent can be shown later. Required by default; for data
    that is optional, pass `required=False` and use SensitiveDataConsentMixin.
    """

    widget = forms.CheckboxInput

    def __init__(self, *, data, purpose, required: bool = True, **kwargs):
        if kwargs.pop("initial", False):
            raise ValueError("Consent to sensitive personal information is never ticked in advance.")
        self.data_name, self.purpose = data, purpose
        kwargs.setdefault(
            "label",
            _interpolate(
                _(
                    "I separately consent to the processing of my sensitive personal information "
                    "(%(data)s) for %(purpose)s."
                ),
                data=data,
                purpose=purpose,
            ),
        )
        kwargs.setdefault(
            "help_text",
            _(
                "This is sensitive personal information under the Personal Information Protection Law, so "
                "we ask for your consent to it separately. You can withdraw your consent at any time."
            ),
        )
        super().__init__(required=required, initial=False, **kwargs)
        self.error_messages["required"] = _interpolate(
            _("We cannot process %(data)s without your separate consent."), data=data
        )

    def consent_text(self) -> str:
        return str(self.label)


class SensitiveDataConsentMixin:
    """For forms where sensitive data is optional: its consent is needed only when it is given.

    class BookingForm(SensitiveDataConsentMixin, forms.Form):
        sensitive_consents = {"passport_number": "passport_consent"}
        passport_number = forms.CharField(required=False)
        passport_consent = SensitiveDataConsentField(data=…, purpose=…, required=False)
    """

    sensitive_consents: dict[str, str] = {}

    def clean(self):
        cleaned_data = super().clean()
        for data_field, consent_field in self.sensitive_consents.items():
            if cleaned_data.get(data_field) and not cleaned_data.get(consent_field):
                field = self.fields[consent_field]
                self.add_error(consent_field, field.error_messages["required"])
        return cleaned_data


# --- Personal data requests ---------------------------------------------------------------------------


class DataRequestForm(ProtectedFormMixin, forms.Form):
    """Reference, email address and what to do. The same form, with the two fields hidden, carries
    the follow-up steps (download a copy, confirm the deletion) from the results page."""

    VIEW, DELETE, EXPORT, ERASE = "view", "delete", "export", "erase"
    CHOICES = [(VIEW, _("Show my data")), (DELETE, _("Delete my data"))]

    rate_limit = RateLimit("data-request", per_ip="20/h", per_identifier="10/h")
    identifier_field = "email"  # someone who knows an address cannot try many references

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=60,
        help_text=_("The number of your appointment or question, as it appears in the email we sent you."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you gave us with it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    action = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=CHOICES + [(EXPORT, _("Download a copy")), (ERASE, _("Yes, delete my data"))],
        initial=VIEW,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].widget.choices = self.CHOICES  # the follow-up steps are buttons

    def clean_reference(self) -> str:
        reference = normalise_reference(self.cleaned_data["reference"])
        if not REFERENCE_PATTERN.match(reference):
            raise forms.ValidationError(
                _("Enter the reference as it appears in our email: 4 to 40 letters, digits and hyphens."),
                code="invalid",
            )
        return reference

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])
