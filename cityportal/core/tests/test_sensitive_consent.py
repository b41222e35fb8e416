"""Sensitive personal information is collected only with a separate, unticked consent (PIPL art. 29)."""

import pytest
from django import forms
from django.utils.functional import lazy
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from cityportal.core.forms import SensitiveDataConsentField, SensitiveDataConsentMixin


class BookingForm(forms.Form):
    passport_number = forms.CharField()
    passport_consent = SensitiveDataConsentField(
        data=_("your passport number"), purpose=_("checking your identity at the appointment")
    )


class OptionalPassportForm(SensitiveDataConsentMixin, forms.Form):
    sensitive_consents = {"passport_number": "passport_consent"}
    passport_number = forms.CharField(required=False)
    passport_consent = SensitiveDataConsentField(
        data=_("your passport number"), purpose=_("checking your identity"), required=False
    )


def test_the_consent_is_a_separate_unticked_checkbox_naming_the_data_and_purpose():
    html = str(BookingForm()["passport_consent"])
    assert 'type="checkbox"' in html and "checked" not in html
    label = BookingForm().fields["passport_consent"].consent_text()
    assert "your passport number" in label and "checking your identity at the appointment" in label


def test_the_form_is_refused_without_the_consent():
    form = BookingForm({"passport_number": "E12345678"})
    assert not form.is_valid()
    assert form.errors["passport_consent"] == [
        "We cannot process your passport number without your separate consent."
    ]
    assert BookingForm({"passport_number": "E12345678", "passport_consent": "on"}).is_valid()


def test_optional_sensitive_data_needs_consent_only_when_given():
    assert OptionalPassportForm({}).is_valid()
    refused = OptionalPassportForm({"passport_number": "E12345678"})
    assert not refused.is_valid() and "passport_consent" in refused.errors
    assert OptionalPassportForm({"passport_number": "E12345678", "passport_consent": "on"}).is_valid()


def test_a_consent_ticked_in_advance_is_refused():
    with pytest.raises(ValueError, match="never ticked in advance"):
        SensitiveDataConsentField(data="x", purpose="y", initial=True)


def test_the_text_is_built_in_the_visitors_language_when_shown_not_when_defined():
    language_marker = lazy(lambda: "data-in-" + get_language(), str)()
    field = SensitiveDataConsentField(data=language_marker, purpose=_("checking your identity"))
    with override("de"):
        assert "data-in-de" in field.consent_text()
    with override("ar"):
        assert "data-in-ar" in field.consent_text()
