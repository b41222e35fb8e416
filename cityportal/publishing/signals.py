"""Signal handlers around publishing: each translation's status follows the pages' publishing.

(Cache purge and search-engine notices connect their own receivers, in purge.py and search_engines.py.)
"""

from django.dispatch import receiver
from wagtail.signals import page_published

from . import translation_status


@receiver(page_published, dispatch_uid="publishing-translation-status")
def follow_translation_status(sender, instance, revision=None, **kwargs) -> None:
    # Wagtail sends page_published for a new page scheduled for later too, while it is not live yet:
    # the status follows when the scheduled job publishes it.
    if not instance.live:
        return
    if translation_status.is_source(instance):
        translation_status.record_source_published(instance)
    else:
        translation_status.record_translation_published(instance, revision)
