"""Signal handlers of the news app: notices refresh the banner, a first publish sends alerts."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from cityportal.core.services.publishing import bulk_import_running
from cityportal.core.site_version import bump_site_version

from .models import NewsArticle, Notice, PolicyDocument

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Notice, dispatch_uid="news-notice-saved")
@receiver(post_delete, sender=Notice, dispatch_uid="news-notice-deleted")
def notice_changed(**kwargs) -> None:
    """Every page shows the banner: rebuild its cached list now (the site version is in its key), and
    purge the HTTP cache once the change is committed."""
    from cityportal.publishing.purge import purge_site_wide

    bump_site_version()
    transaction.on_commit(purge_site_wide)


def is_first_publish(page) -> bool:
    """True when this publish made the page live for the first time in its language.

    Wagtail sends page_published also when a publish is only scheduled (the page is not live yet:
    the alert waits for the scheduled publish), and for every later publish (a correction or a
    republish after unpublishing keeps first_published_at, so it sends nothing new). Aliases repeat
    another language's content and are never announced."""
    return (
        page.live
        and page.alias_of_id is None
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
    )


@receiver(page_published, dispatch_uid="news-alerts-on-publish")
def page_first_published(sender, instance, **kwargs) -> None:
    if not isinstance(instance, NewsArticle | PolicyDocument) or not is_first_publish(instance):
        return
    if bulk_import_running():  # an imported archive is not news to subscribers
        return
    from . import alerts
    from .tasks import send_page_alerts

    if not alerts.has_immediate_audience(instance.locale.language_code):
        return
    try:
        # A savepoint: on PostgreSQL a failed INSERT must not abort the editor's publish.
        with transaction.atomic():
            send_page_alerts.enqueue(instance.pk)
    except Exception:  # noqa: BLE001 - the publish stands; the failure is in the log for the operators
        logger.exception("Could not enqueue the alerts for page %s", instance.pk)
