"""Translated columns of topics (django-modeltranslation, as for departments: ADR 013)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("zh-hans",)
