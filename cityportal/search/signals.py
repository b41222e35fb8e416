"""Keep the search current where Wagtail's index signals do not reach.

Wagtail moves a page's descendants, rewrites their addresses after a new slug, and makes pages
private (a PageViewRestriction) without saving those pages: each of these queues the pages concerned
for indexing again. FAQ entries take their address from their language's FAQ page: publishing or
unpublishing it re-indexes them. Synonyms are cached per language: any save or delete (admin, shell,
demo loader) clears them.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cityportal.consultations.models import FAQEntry, FAQIndexPage
from cityportal.core import i18n

from . import services
from .models import SearchSynonym


def index_again(objects) -> None:
    for obj in objects:
        insert_or_update_object_task.enqueue(obj._meta.app_label, obj._meta.model_name, str(obj.pk))


def live_pages_below(page: Page, inclusive: bool = True):
    return Page.objects.descendant_of(page, inclusive=inclusive).live().specific(defer=True).only("pk")


@receiver(post_page_move)
def index_moved_pages(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before != url_path_after:
        index_again(live_pages_below(instance))


@receiver(page_slug_changed)
def index_pages_below_a_new_slug(sender, instance, **kwargs):
    index_again(live_pages_below(instance, inclusive=False))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def index_pages_behind_a_restriction(sender, instance, **kwargs):
    """A private page leaves the index and a public one comes back. After the commit, so pages
    deleted together with their restriction are not queued."""
    page_id = instance.page_id

    def enqueue():
        page = Page.objects.filter(pk=page_id).first()
        if page is not None:
            index_again(live_pages_below(page))

    transaction.on_commit(enqueue)


@receiver(page_published, sender=FAQIndexPage)
@receiver(page_unpublished, sender=FAQIndexPage)
def index_faq_entries_of_the_language(sender, instance, **kwargs):
    index_again(FAQEntry.objects.filter(locale_id=instance.locale_id, live=True).only("pk"))


@receiver([post_save, post_delete], sender=SearchSynonym)
def forget_synonyms(sender, instance, **kwargs):
    # Every language: an edit may have moved the group from one language to another.
    for language in i18n.language_codes():
        services.forget_synonyms(language)
