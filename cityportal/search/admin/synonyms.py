"""Editors' synonyms per language (Search → Synonyms): words that should find each other.

Adding, editing or deleting a group takes effect on the next search: the cached groups of every
language are forgotten (a group may have moved from one language to another). Seeing the listing
needs `search.view_searchsynonym`; adding, changing and deleting need their own permissions.
"""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from cityportal.core.i18n import language_codes, language_name

from .. import services
from ..models import SearchSynonym, ZeroResultQuery
from .forms import SearchSynonymForm


def forget_all_synonyms() -> None:
    for language in language_codes():
        services.forget_synonyms(language)


class SynonymCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        forget_all_synonyms()
        return instance


class SynonymEditView(generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        forget_all_synonyms()
        return instance


class SynonymDeleteView(generic.DeleteView):
    def delete_action(self):
        super().delete_action()
        forget_all_synonyms()


def shown_language(row: SearchSynonym | ZeroResultQuery) -> str:
    """A row's language by its own name (English, 中文…); a code no longer served as it is."""
    return language_name(row.language) if row.language in dict(settings.LANGUAGES) else row.language


class SynonymFilterSet(WagtailFilterSet):
    language = django_filters.ChoiceFilter(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = SearchSynonym
        fields = ["language"]


class SearchSynonymViewSet(ModelViewSet):
    model = SearchSynonym
    icon = "link"
    menu_label = _("Synonyms")
    name = "search_synonyms"
    url_prefix = "search/synonyms"
    add_view_class = SynonymCreateView
    edit_view_class = SynonymEditView
    delete_view_class = SynonymDeleteView
    copy_view_enabled = False
    list_display = [
        "terms",  # the title column, linking to the edit view
        Column("language", label=_("Language"), accessor=shown_language, sort_key="language"),
        Column("note", label=_("Note")),
        DateColumn("updated_at", label=_("Updated"), sort_key="updated_at"),
    ]
    filterset_class = SynonymFilterSet
    search_fields = ["terms", "note"]
    search_backend_name = None  # a plain database filter: synonyms are not in a search index
    list_per_page = 50
    ordering = ["language", "terms"]
    edit_handler = ObjectList(
        [FieldPanel("language"), FieldPanel("terms"), FieldPanel("note")],
        base_form_class=SearchSynonymForm,
    )
