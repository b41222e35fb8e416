"""The portal's search as a Wagtail search backend, so Wagtail keeps it up to date.

Listed as "portal" in WAGTAILSEARCH_BACKENDS: saving or deleting any indexed object (pages, FAQ
entries, appointment services) reaches `add`/`delete` here through Wagtail's signal handlers and the
queued index task, and `manage.py update_index` (Wagtail's) rebuilds it with the others. Searching
does not go through Wagtail's query API (it cannot express per-language analysis, facets over one
full-text match or synonyms): the public search calls `cityportal.search.services.search`.
"""

from django.utils import timezone
from modelsearch.backends.base import BaseIndex, BaseSearchBackend
from wagtail.models import Page

from . import indexing
from .models import SearchDocument


class PortalIndex(BaseIndex):
    def add_items(self, model, items):
        for obj in items:
            # Rebuilding walks Page and each page type: a page is indexed once, as its own type.
            if isinstance(obj, Page) and obj.specific_class is not type(obj):
                continue
            indexing.index_object(obj)

    def delete_item(self, item):
        indexing.remove_object(item)

    def reset(self):
        SearchDocument.objects.all().delete()


class PortalRebuilder:
    """Re-index everything in place, then drop documents nothing re-indexed: searches keep finding
    the old documents while a rebuild runs, instead of finding nothing."""

    def __init__(self, index):
        self.index = index

    def start(self):
        self.started = timezone.now()
        return self.index

    def finish(self):
        SearchDocument.objects.filter(indexed_at__lt=self.started).delete()
        indexing.optimise()


class PortalSearchBackend(BaseSearchBackend):
    index_class = PortalIndex
    rebuilder_class = PortalRebuilder

    def search(self, *args, **kwargs):
        raise NotImplementedError("The portal index is searched with cityportal.search.services.search().")

    autocomplete = search


SearchBackend = PortalSearchBackend
