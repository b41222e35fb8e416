"""wagtail-localize's machine-translation entry points, with the engine's failure shown as a message.

wagtail-localize lets a translator's exception through as a server error. `machine_translate` takes the
admin URL of the translation editor's "Machine translate" button (our hooks are registered before
wagtail-localize's, see glossary_admin.py), calls wagtail-localize's own view and turns a
MachineTranslationError into an error message on the page the translator came from.
`shows_machine_translation_problems` does the same for a "Sync translated pages" view (whose URL
publishing/translation_review.py serves). Nothing is written when the engine fails: wagtail-localize
saves translations only after the whole batch came back, and the sync runs in one transaction.
"""

from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail.admin.views.pages.utils import get_valid_next_url_from_request
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import TranslationSource
from wagtail_localize.views import edit_translation

from .base import MachineTranslationError, SelfHostedTranslator


def machine_translate(request, translation_id):
    """The translation editor's "Machine translate" button."""
    try:
        return edit_translation.machine_translate(request, translation_id)
    except MachineTranslationError as error:
        messages.error(request, str(error))
        return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))


def shows_machine_translation_problems(view):
    """For a "Sync translated pages" view, whose "Use machine translation" translates every language
    at once: refuse up front when the engine lacks a language (wagtail-localize would answer 404), and
    show the engine's failure as a message on the form."""

    @wraps(view)
    def wrapped(request, *args, translation_source_id, **kwargs):
        if request.method == "POST" and request.POST.get("use_machine_translation"):
            problem = pairs_problem(translation_source_id)
            if problem:
                messages.error(request, problem)
                return redirect(request.get_full_path())
        try:
            return view(request, *args, translation_source_id=translation_source_id, **kwargs)
        except MachineTranslationError as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())

    return wrapped


def pairs_problem(translation_source_id) -> str:
    """wagtail-localize answers 404 for a language the engine lacks: name the languages instead."""
    translator = get_machine_translator()
    if not isinstance(translator, SelfHostedTranslator):
        return ""
    source = get_object_or_404(TranslationSource.objects.select_related("locale"), pk=translation_source_id)
    reasons = [
        reason
        for translation in source.translations.filter(enabled=True).select_related("target_locale")
        if (reason := translator.unavailable_reason(source.locale, translation.target_locale))
    ]
    if not reasons:
        return ""
    return " ".join(
        [
            _("Nothing was synced: machine translation cannot translate every language."),
            *dict.fromkeys(reasons),
        ]
    )


def admin_urls() -> list:
    """The same path as wagtail-localize's (under admin/localize/), so it is found first."""
    return [path("localize/translate/<int:translation_id>/machine_translate/", machine_translate)]
