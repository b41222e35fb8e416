"""Keep stored addresses right: Wagtail moves a page's descendants with one UPDATE and no save
signal, so a moved page and everything under it is queued for indexing again."""

from django.dispatch import receiver
from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Page
from wagtail.signals import post_page_move


@receiver(post_page_move)
def index_moved_pages(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before == url_path_after:
        return
    for page in Page.objects.descendant_of(instance, inclusive=True).live().specific(defer=True).only("pk"):
        insert_or_update_object_task.enqueue(page._meta.app_label, page._meta.model_name, str(page.pk))
