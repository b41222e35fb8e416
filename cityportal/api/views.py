"""The API's read endpoints. Each takes `lang` (params.Lang) and answers in that language."""

from django.utils.translation import get_language_info
from ninja import Router
from ninja.pagination import paginate

from cityportal.core.i18n import bcp47, is_rtl, language_codes, language_name
from cityportal.core.sections import Section
from cityportal.home.models import SectionPage

from .pagination import PageNumberPagination
from .params import Lang, use_language
from .schemas import ERRORS, LocaleOut, SectionOut

router = Router()


@router.get(
    "/locales/",
    response={200: list[LocaleOut], **ERRORS},
    operation_id="listLocales",
    summary="The portal's languages",
    tags=["portal"],
)
@paginate(PageNumberPagination)
def list_locales(request, lang: Lang = None):
    use_language(request, lang)
    return locale_entries()


def locale_entries() -> list[dict]:
    return [
        {
            "code": code,
            "tag": bcp47(code),
            "native_name": language_name(code),
            "name": str(get_language_info(code)["name_translated"]),
            "direction": "rtl" if is_rtl(code) else "ltr",
        }
        for code in language_codes()
    ]


@router.get(
    "/sections/",
    response={200: list[SectionOut], **ERRORS},
    operation_id="listSections",
    summary="The six sections, with their page in the requested language",
    tags=["portal"],
)
@paginate(PageNumberPagination)
def list_sections(request, lang: Lang = None):
    language = use_language(request, lang)
    # One query: the live section pages of that language.
    pages = {}
    for page in (
        SectionPage.objects.live()
        .filter(locale__language_code=language)
        .only("id", "title", "url_path", "section")
        .order_by("path")
    ):
        pages.setdefault(page.section, page)
    return [
        {
            "section": section.value,
            "name": str(section.label),
            "title": pages[section.value].title if section.value in pages else None,
            "url": pages[section.value].get_full_url(request) if section.value in pages else None,
        }
        for section in Section
    ]
