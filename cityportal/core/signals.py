"""Keep cached page fragments (navigation, footer) fresh when editors change the site."""

import time

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import PortalSettings
from .models.pages import VIEW_RESTRICTIONS_KEY
from .templatetags.core_tags import SITE_VERSION_KEY


def bump_site_version(**_kwargs) -> None:
    # A clock value rather than incr(): it is unique even after the key was evicted.
    cache.set(SITE_VERSION_KEY, time.time_ns(), timeout=None)


page_published.connect(bump_site_version, dispatch_uid="core-bump-on-publish")
page_unpublished.connect(bump_site_version, dispatch_uid="core-bump-on-unpublish")
post_page_move.connect(bump_site_version, dispatch_uid="core-bump-on-move")


@receiver(post_save, sender=PortalSettings, dispatch_uid="core-bump-on-settings")
@receiver(post_delete, sender=PortalSettings, dispatch_uid="core-bump-on-settings-delete")
def settings_changed(**kwargs) -> None:
    bump_site_version()


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="core-restrictions-saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="core-restrictions-deleted")
def view_restrictions_changed(**kwargs) -> None:
    cache.delete(VIEW_RESTRICTIONS_KEY)
