"""Keep the search current where Wagtail's index signals do not reach.

Wagtail moves a page's descendants with one UPDATE and no save signal, so a moved page and
everything under it is queued for indexing again. Synonyms are cached per language: any save or
delete (admin, shell, demo loader) clears them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Page
from wagtail.signals import post_page_move

from cityportal.core import i18n

from . import services
from .models import SearchSynonym


@receiver(post_page_move)
def index_moved_pages(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before == url_path_after:
        return
    for page in Page.objects.descendant_of(instance, inclusive=True).live().specific(defer=True).only("pk"):
        insert_or_update_object_task.enqueue(page._meta.app_label, page._meta.model_name, str(page.pk))


@receiver([post_save, post_delete], sender=SearchSynonym)
def forget_synonyms(sender, instance, **kwargs):
    # Every language: an edit may have moved the group from one language to another.
    for language in i18n.language_codes():
        services.forget_synonyms(language)
