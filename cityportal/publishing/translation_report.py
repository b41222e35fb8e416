"""The translation status report: per language, pages translated, missing and out of date.

Admin › Reports › Translation status. The counts cover every live Chinese page below the home pages
(the source pages); a language's page counts as translated when its translation is live, out of date
when its TranslationStatus says so (publishing/translation_status.py). Choosing a language lists its
out-of-date pages (with a link to their translation editor) and its missing ones (with a link to
wagtail-localize's "Translate this page", the language already ticked). A handful of queries whatever
the number of pages: the counts are two aggregate queries, the lists are paginated.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import include, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.permissions import policy_registry

from cityportal.core import i18n

from . import translation_review  # noqa: F401 - registers the "Submit translation for review" action
from .roles import reviewers_group, translators_group
from .translation_status import SOURCE_LANGUAGE

HOME_DEPTH = 2  # the language home pages; the tree root is depth 1
PER_PAGE = 50


def translated_languages() -> list[str]:
    return [code for code in i18n.language_codes() if code != SOURCE_LANGUAGE]


def source_pages() -> QuerySet:
    """The live Chinese pages below the home page: what every language should have."""
    return Page.objects.filter(locale__language_code=SOURCE_LANGUAGE, live=True, depth__gt=HOME_DEPTH)


def live_translations(language: str) -> QuerySet:
    return Page.objects.filter(
        locale__language_code=language,
        live=True,
        translation_key__in=source_pages().values("translation_key"),
    )


@dataclass(frozen=True)
class LanguageCounts:
    language: str
    sources: int
    translated: int  # live translations, up to date or not
    out_of_date: int

    @property
    def up_to_date(self) -> int:
        return self.translated - self.out_of_date

    @property
    def missing(self) -> int:
        return self.sources - self.translated

    @property
    def name(self) -> str:
        return i18n.language_name(self.language)


def language_counts() -> list[LanguageCounts]:
    """The counts of each translated language, in two queries."""
    sources = source_pages().count()
    rows = {
        row["locale__language_code"]: row
        for row in Page.objects.filter(
            live=True, translation_key__in=source_pages().values("translation_key")
        )
        .exclude(locale__language_code=SOURCE_LANGUAGE)
        .order_by()  # the tree's default order by path would split the groups
        .values("locale__language_code")
        .annotate(
            translated=Count("pk"),
            out_of_date=Count("pk", filter=Q(translation_status__out_of_date_since__isnull=False)),
        )
    }
    return [
        LanguageCounts(
            language=language,
            sources=sources,
            translated=rows.get(language, {}).get("translated", 0),
            out_of_date=rows.get(language, {}).get("out_of_date", 0),
        )
        for language in translated_languages()
    ]


def out_of_date_pages(language: str) -> QuerySet:
    """The language's out-of-date translations, longest out of date first, with their source's title."""
    source_title = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=SOURCE_LANGUAGE
    ).values("title")[:1]
    return (
        live_translations(language)
        .filter(translation_status__out_of_date_since__isnull=False)
        .select_related("translation_status")
        .annotate(source_title=Subquery(source_title))
        .order_by("translation_status__out_of_date_since", "path")
    )


def missing_pages(language: str) -> QuerySet:
    """The source pages with no live translation in the language, in tree order."""
    return (
        source_pages()
        .exclude(
            translation_key__in=Page.objects.filter(locale__language_code=language, live=True).values(
                "translation_key"
            )
        )
        .order_by("path")
    )


def drafts_of(pages, language: str) -> dict:
    """Translations of these source pages in the language that exist but are not live, by key."""
    return {
        draft.translation_key: draft
        for draft in Page.objects.filter(
            locale__language_code=language, translation_key__in=[page.translation_key for page in pages]
        )
    }


def may_see_report(user) -> bool:
    """Editors, translators and reviewers: anyone who may edit some pages."""
    return policy_registry.get_by_type(Page).user_has_permission(user, "change")


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def translate_url(source: Page, language: str) -> str:
    """wagtail-localize's "Translate this page", with the language ticked."""
    url = reverse("wagtail_localize:submit_page_translation", args=[source.pk])
    return f"{url}?{urlencode({'select_locale': language})}"


class TranslationReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "publishing/translation_report.html"
    page_title = _("Translation status")
    header_icon = "wagtail-localize-language"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def chosen_language(self) -> str | None:
        """?language=ar; without one, the language of the user's own translator or reviewer group."""
        languages = translated_languages()
        wanted = self.request.GET.get("language")
        if wanted in languages:
            return wanted
        groups = set(self.request.user.groups.values_list("name", flat=True))
        return next(
            (code for code in languages if {translators_group(code), reviewers_group(code)} & groups),
            None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = self.chosen_language()
        context.update(counts=language_counts(), language=language)
        if language is None:
            return context
        out_of_date = Paginator(out_of_date_pages(language), PER_PAGE).get_page(self.request.GET.get("stale"))
        missing = Paginator(missing_pages(language), PER_PAGE).get_page(self.request.GET.get("missing"))
        drafts = drafts_of(missing.object_list, language)
        context.update(
            language_name=i18n.language_name(language),
            language_bcp47=i18n.bcp47(language),
            out_of_date=out_of_date,
            out_of_date_rows=[(page, edit_url(page)) for page in out_of_date.object_list],
            missing=missing,
            missing_rows=[
                (
                    page,
                    drafts.get(page.translation_key),
                    edit_url(drafts[page.translation_key])
                    if page.translation_key in drafts
                    else translate_url(page, language),
                )
                for page in missing.object_list
            ],
        )
        return context


class TranslationReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_report(request.user)


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [path("", TranslationReportView.as_view(), name="index")]
    return [path("reports/translation-status/", include((urls, "translation_status_report")))]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return TranslationReportMenuItem(
        _("Translation status"),
        reverse("translation_status_report:index"),
        name="translation-status",
        icon_name="wagtail-localize-language",
        order=1400,
    )
