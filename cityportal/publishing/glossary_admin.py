"""The glossary in the admin: the snippet (a tab per language, CSV export), the "Glossary check" report,
the panel of the translation editor, and the machine-translation entry points.

Imported by publishing/wagtail_hooks.py, which registers these hooks.
"""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.side_panels import BaseSidePanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail_localize.models import String, StringSegment, StringTranslation

from cityportal.core import i18n

from .glossary import HAN, SOURCE_LANGUAGE, TermMatcher, plain_text, rendering
from .machine_translation import admin_views as machine_translation_views
from .models import GlossaryTerm

TRANSLATED_LANGUAGES = [code for code in i18n.language_codes() if code != SOURCE_LANGUAGE]
TERMS_PER_QUERY = 200  # OR-ed `contains` filters per query: SQLite limits an expression's depth to 1000


def term_field(language: str) -> str:
    return build_localized_fieldname("term", language)


# --- The glossary snippet -----------------------------------------------------------------------------


class GlossaryTermForm(WagtailAdminModelForm):
    def clean_term_zh_hans(self):
        term = " ".join(self.cleaned_data["term_zh_hans"].split())
        if not HAN.search(term):
            raise forms.ValidationError(
                gettext("The Chinese term must contain Chinese characters: it is looked for in Chinese text.")
            )
        duplicates = GlossaryTerm.objects.filter(term_zh_hans=term).exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(gettext("This Chinese term is already in the glossary."))
        return term


class FilledColumn(Column):
    """How many of the eight translations the glossary has for the term."""

    def get_value(self, instance):
        filled = sum(1 for language in TRANSLATED_LANGUAGES if rendering(instance, language))
        return f"{filled} / {len(TRANSLATED_LANGUAGES)}"


class GlossaryViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "openquote"
    menu_label = _("Glossary")
    menu_name = "glossary"
    menu_order = 1500
    add_to_admin_menu = True
    index_template_name = "publishing/glossary/index.html"
    list_display = [
        term_field(SOURCE_LANGUAGE),
        term_field("en"),
        FilledColumn("filled", label=_("Translations")),
        "category",
    ]
    list_filter = ["category"]
    search_fields = [term_field(language) for language in i18n.language_codes()] + ["note"]
    # The export has the columns of the import file (manage.py import_glossary), so it can be edited
    # in a spreadsheet and imported again.
    list_export = [term_field(language) for language in i18n.language_codes()] + ["category", "note"]
    export_headings = {term_field(language): language for language in i18n.language_codes()} | {
        "category": "category",
        "note": "note",
    }
    export_filename = "glossary"
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [FieldPanel(term_field(SOURCE_LANGUAGE)), FieldPanel("category"), FieldPanel("note")],
                heading=i18n.language_name(SOURCE_LANGUAGE),
            ),
            *[
                ObjectList([FieldPanel(term_field(language))], heading=i18n.language_name(language))
                for language in TRANSLATED_LANGUAGES
            ],
        ],
        base_form_class=GlossaryTermForm,
    )


register_snippet(GlossaryViewSet)


# --- The translation editor's panel ---------------------------------------------------------------


def glossary_for_translation(translation) -> list[dict]:
    """The glossary terms found in a translation's source segments, with the target language's rendering.

    Two queries: the source's strings and the glossary."""
    texts = (
        String.objects.filter(segments__source_id=translation.source_id)
        .order_by("segments__order")
        .values_list("data", flat=True)
    )
    matcher = TermMatcher(GlossaryTerm.objects.all())
    found = dict.fromkeys(term for text in texts for term in matcher.find(text))  # each term once, in order
    language = translation.target_locale.language_code
    return [
        {
            "source": rendering(term, SOURCE_LANGUAGE),
            "target": rendering(term, language),
            "note": term.note,
            "edit_url": reverse("wagtailsnippets_publishing_glossaryterm:edit", args=[term.pk]),
        }
        for term in found
    ]


class GlossarySidePanel(BaseSidePanel):
    """A side panel of the translation editor (beside Status), its toggle counting the terms found."""

    class SidePanelToggle(BaseSidePanel.SidePanelToggle):
        aria_label = gettext_lazy("Toggle glossary terms")
        icon_name = "openquote"

        def get_context_data(self, parent_context):
            context = super().get_context_data(parent_context)
            context["count"] = len(self.panel.glossary["terms"])
            return context

    name = "glossary"
    title = gettext_lazy("Glossary terms in this page")
    template_name = "publishing/glossary/side_panel.html"
    order = 150

    def __init__(self, object, request, glossary: dict):
        super().__init__(object, request)
        self.glossary = glossary

    def get_context_data(self, parent_context):
        return super().get_context_data(parent_context) | {"glossary": self.glossary}


# --- The "Glossary check" report ----------------------------------------------------------------------


def current_translations():
    """StringTranslations of segments still in their source (a sync leaves the old ones behind)."""
    in_source = StringSegment.objects.filter(
        string_id=OuterRef("translation_of_id"), context_id=OuterRef("context_id")
    )
    return StringTranslation.objects.filter(Exists(in_source)).exclude(locale__language_code=SOURCE_LANGUAGE)


def glossary_violations(matcher: TermMatcher) -> list[int]:
    """Ids of translated segments whose Chinese has a glossary term and which lack its rendering.

    One query per TERMS_PER_QUERY terms fetches the candidates (a `contains` on the Chinese string);
    the rest is computed here, with the same rules as the translation editor."""
    sources = list(matcher.by_text)
    candidates = {}
    for start in range(0, len(sources), TERMS_PER_QUERY):
        condition = Q()
        for term_text in sources[start : start + TERMS_PER_QUERY]:
            # The matcher holds terms NFKC-normalised (full-width brackets become ASCII); stored text
            # keeps the editor's characters, so look for both forms.
            raw = getattr(matcher.by_text[term_text], "term_zh_hans", "") or term_text
            condition |= Q(translation_of__data__contains=term_text) | Q(translation_of__data__contains=raw)
        for row in (
            current_translations()
            .filter(condition)
            .values_list("pk", "data", "translation_of__data", "locale__language_code")
        ):
            candidates[row[0]] = row
    return [
        pk for pk, data, source, language in candidates.values() if matcher.missing(source, data, language)
    ]


class GlossaryCheckFilterSet(WagtailFilterSet):
    locale = django_filters.ModelChoiceFilter(
        label=_("Language"),
        queryset=Locale.objects.exclude(language_code=SOURCE_LANGUAGE).order_by("language_code"),
        empty_label=_("All languages"),
    )

    class Meta:
        model = StringTranslation
        fields = ["locale"]


class EditorLinkColumn(Column):
    cell_template_name = "publishing/glossary/editor_link_cell.html"


class GlossaryCheckReportView(ReportView):
    """Per language, translated segments that do not use the glossary's rendering of a term."""

    page_title = _("Glossary check")
    header_icon = "openquote"
    index_url_name = "publishing_glossary:check"
    index_results_url_name = "publishing_glossary:check_results"
    filterset_class = GlossaryCheckFilterSet
    export_filename = "glossary-check"
    permission_required = "change"
    columns = [
        Column("language", label=_("Language"), accessor="language_name"),
        EditorLinkColumn("page", label=_("Page")),
        Column("terms", label=_("Term, and its rendering in the glossary"), accessor="expected"),
        Column("translation", label=_("Translation"), accessor="translation_text"),
        Column("source", label=_("Chinese source"), accessor="source_text"),
    ]
    list_export = ["language_name", "page_title", "expected", "translation_text", "source_text", "editor_url"]
    export_headings = {
        "language_name": _("Language"),
        "page_title": _("Page"),
        "expected": _("Term, and its rendering in the glossary"),
        "translation_text": _("Translation"),
        "source_text": _("Chinese source"),
        "editor_url": _("Translation editor"),
    }

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Page)

    @cached_property
    def matcher(self) -> TermMatcher:
        return TermMatcher(GlossaryTerm.objects.all())

    @cached_property
    def no_results_message(self):
        return gettext("Every translated segment uses the renderings the glossary gives for its terms.")

    def get_base_queryset(self):
        return (
            StringTranslation.objects.filter(pk__in=glossary_violations(self.matcher))
            .select_related("locale", "translation_of", "context__object")
            .order_by("locale__language_code", "context__object_id", "context__path", "pk")
        )

    def decorate_paginated_queryset(self, object_list):
        """Add what each row shows: the missing terms, and the translated page (one query per kind)."""
        objects = list(object_list)
        instances = translated_objects(objects)
        for item in objects:
            language = item.locale.language_code
            missing = self.matcher.missing(item.translation_of.data, item.data, language)
            item.language_name = i18n.language_name(language)
            item.expected = "; ".join(
                f"{rendering(term, SOURCE_LANGUAGE)} → {rendering(term, language)}" for term in missing
            )
            item.translation_text = plain_text(item.data)
            item.source_text = plain_text(item.translation_of.data)
            instance = instances.get((item.context.object_id, item.locale_id))
            item.page_title = str(instance) if instance is not None else gettext("(no longer exists)")
            item.editor_url = editor_url(instance)
        return objects

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        if row.get("editor_url"):
            row["editor_url"] = self.request.build_absolute_uri(row["editor_url"])
        return row


def translated_objects(string_translations) -> dict:
    """(translation key, locale id) -> the translated page or snippet, one query per model."""
    wanted: dict = {}
    for item in string_translations:
        wanted.setdefault(item.context.object.content_type_id, set()).add(
            (item.context.object_id, item.locale_id)
        )
    found = {}
    for content_type_id, keys in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()  # cached by Django
        if model is None:
            continue  # a model removed from the code: its rows show "(no longer exists)"
        for instance in model._default_manager.filter(
            translation_key__in={key for key, _locale in keys},
            locale_id__in={locale for _key, locale in keys},
        ):
            found[(instance.translation_key, instance.locale_id)] = instance
    return found


def editor_url(instance) -> str:
    """Where the translation is edited: wagtail-localize takes over the page's (or snippet's) edit view."""
    if instance is None:
        return ""
    if isinstance(instance, Page):
        return reverse("wagtailadmin_pages:edit", args=[instance.pk])
    viewset = getattr(instance, "snippet_viewset", None)
    return reverse(viewset.get_url_name("edit"), args=[instance.pk]) if viewset else ""


class PageEditorsMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_permission(request.user, "change")


report_urls = [
    path("check/", GlossaryCheckReportView.as_view(), name="check"),
    path("check/results/", GlossaryCheckReportView.as_view(results_only=True), name="check_results"),
]


# Before wagtail-localize's hooks (order 0), whose "Machine translate" address the first URL takes over.
@hooks.register("register_admin_urls", order=-1)
def register_admin_urls():
    return [
        *machine_translation_views.admin_urls(),
        path("reports/glossary/", include((report_urls, "publishing_glossary"))),
    ]


@hooks.register("register_reports_menu_item")
def register_glossary_check_menu_item():
    return PageEditorsMenuItem(
        _("Glossary check"),
        reverse("publishing_glossary:check"),
        name="glossary-check",
        icon_name="openquote",
        order=1320,
    )
