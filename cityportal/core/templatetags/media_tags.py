"""Images as <picture> in the formats and widths made ahead of time; document links that say what they are.

{% load media_tags %}
{% responsive_picture value.image caption=value.caption %}
{% document_link document title %}          <a hreflang type> and "(PDF, 240 kB, Chinese)"
{{ document|document_meta }}                "PDF, 240 kB, Chinese" in the visitor's language
"""

from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.units import format_unit
from django import template
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from .. import i18n, images

register = template.Library()


@register.simple_tag(takes_context=True)
def responsive_picture(
    context, image, caption: str = "", sizes: str = images.FIGURE_SIZES, css_class: str = ""
):
    """The image chosen in an ImageBlock as <picture>: AVIF/WebP sources, a JPEG (or PNG) <img>.

    The renditions are the ones `core.images.make_image_renditions` makes on upload and publish, so a
    visitor normally gets them from the database instead of waiting for Pillow.
    """
    if not image:
        return ""
    renditions = get_renditions_or_not_found(image, images.rendition_specs(image))
    attrs = {
        "alt": images.image_alt(image, page=context.get("page"), caption=caption),
        "sizes": sizes,
        "loading": "lazy",
        "decoding": "async",
    }
    if css_class:
        attrs["class"] = css_class
    return Picture(renditions, attrs).__html__()


# --- Documents -------------------------------------------------------------------------------------

DOCUMENT_TYPES = {
    "pdf": "PDF",
    "csv": gettext_lazy("CSV table"),
    "docx": gettext_lazy("Word document"),
    "odt": gettext_lazy("OpenDocument text"),
    "pptx": gettext_lazy("PowerPoint presentation"),
    "txt": gettext_lazy("Plain text"),
    "xlsx": gettext_lazy("Excel spreadsheet"),
    "zip": gettext_lazy("ZIP archive"),
}


def _babel_locale() -> str:
    return i18n.BABEL_LOCALES.get(get_language() or settings.FALLBACK_LANGUAGE_CODE, "en")


def document_type(document) -> str:
    extension = document.file_extension.lower()
    return str(DOCUMENT_TYPES.get(extension, extension.upper()))


def file_size(size: int | None) -> str:
    """ "240 kB", "1.5 MB", "240 ko", "240 كيلوبايت": decimal units, written the visitor's way."""
    if not size:
        return ""
    locale = _babel_locale()
    if size < 1_000_000:
        kilobytes = max(1, int((Decimal(size) / 1000).to_integral_value(ROUND_HALF_UP)))
        return format_unit(kilobytes, "digital-kilobyte", length="short", locale=locale)
    megabytes = (Decimal(size) / 1_000_000).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format_unit(megabytes, "digital-megabyte", length="short", format="#,##0.#", locale=locale)


def language_name(code: str) -> str:
    """The document's language named in the visitor's language ("Chinese", "中文", "الصينية")."""
    language = Locale.parse(i18n.BABEL_LOCALES.get(code, code)).language
    return Locale.parse(_babel_locale()).languages.get(language, i18n.language_name(code))


def _size_of(document) -> int | None:
    try:
        return document.get_file_size()
    except OSError:
        return None  # the file is missing from storage; say nothing rather than fail the page


@register.filter
def document_meta(document) -> str:
    """ "PDF, 240 kB, Chinese": the file's type, size and language, in the visitor's language."""
    if not document:
        return ""
    size = file_size(_size_of(document))
    language = language_name(document.language)
    if size:
        return _("%(type)s, %(size)s, %(language)s") % {
            "type": document_type(document),
            "size": size,
            "language": language,
        }
    return _("%(type)s, %(language)s") % {"type": document_type(document), "language": language}


@register.inclusion_tag("includes/document_link.html")
def document_link(document, title: str = ""):
    """A link to a document with hreflang and type, followed by its type, size and language."""
    return {
        "document": document,
        "title": title or (document.title if document else ""),
        "hreflang": i18n.bcp47(document.language) if document else "",
        "meta": document_meta(document),
    }
