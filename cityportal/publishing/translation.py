"""Translated columns of the glossary (django-modeltranslation, as for departments: ADR 013)."""

from modeltranslation.translator import TranslationOptions, register

from .models import GlossaryTerm


@register(GlossaryTerm)
class GlossaryTermTranslation(TranslationOptions):
    fields = ("term",)
    required_languages = ("zh-hans",)
