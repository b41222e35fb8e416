"""Translated columns of the language-neutral records (django-modeltranslation).

Each field listed here gets one column per language (`name_en`, `name_ar`, …); reading `name`
gives the current language's text, falling back to English and then Chinese (settings
MODELTRANSLATION_FALLBACK_LANGUAGES). Pages are translated differently, with wagtail-localize
(ADR 001); ADR 013 says why records are not.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Department, Office


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name", "address")
    required_languages = ("zh-hans",)


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ("name", "address", "directions", "hours_note")
    required_languages = ("zh-hans",)
