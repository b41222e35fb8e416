"""The glossary on wagtail-localize's translation editor (templates/wagtail_localize/admin/) and listing."""

from django import template

from cityportal.core import i18n
from cityportal.publishing import machine_translation
from cityportal.publishing.glossary_admin import GlossarySidePanel, glossary_for_translation

register = template.Library()


@register.simple_tag
def translation_glossary(translation) -> dict:
    """What the translation editor's glossary panel shows, from the view's `translation` (a
    wagtail-localize Translation): the terms of its source and the state of machine translation."""
    language = translation.target_locale.language_code
    message, available = machine_translation.describe(translation.source.locale, translation.target_locale)
    return {
        "terms": glossary_for_translation(translation),
        "language": language,
        "language_name": i18n.language_name(language),
        "lang": i18n.bcp47(language),
        "dir": "rtl" if i18n.is_rtl(language) else "ltr",
        "machine_translation": message,
        "machine_translation_available": available,
    }


@register.simple_tag(takes_context=True)
def with_glossary_side_panel(context, glossary: dict) -> list:
    """The view's side panels plus the glossary's (pages only: snippets have no side panels there)."""
    return [
        *context.get("side_panels", []),
        GlossarySidePanel(context["instance"], context["request"], glossary),
    ]


@register.simple_tag
def machine_translation_status() -> dict:
    message, available = machine_translation.describe()
    return {"message": message, "available": available}
