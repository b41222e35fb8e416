"""Translated columns of appointment services (django-modeltranslation; see core/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AppointmentService, OfficeClosure, ServiceOffice


@register(AppointmentService)
class AppointmentServiceTranslation(TranslationOptions):
    fields = ("name", "description", "documents_to_bring")
    required_languages = ("zh-hans",)


@register(ServiceOffice)
class ServiceOfficeTranslation(TranslationOptions):
    fields = ("counter",)


@register(OfficeClosure)
class OfficeClosureTranslation(TranslationOptions):
    fields = ("reason",)
