"""Keep cached page fragments (navigation, footer) fresh when editors change the site."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .models import Department, Office, OfficeHours, PortalSettings
from .models.pages import VIEW_RESTRICTIONS_KEY
from .site_version import bump_site_version

page_published.connect(bump_site_version, dispatch_uid="core-bump-on-publish")
page_unpublished.connect(bump_site_version, dispatch_uid="core-bump-on-unpublish")
post_page_move.connect(bump_site_version, dispatch_uid="core-bump-on-move")


@receiver(post_save, sender=Site, dispatch_uid="core-bump-on-site")
@receiver(post_delete, sender=Site, dispatch_uid="core-bump-on-site-delete")
@receiver(post_save, sender=PortalSettings, dispatch_uid="core-bump-on-settings")
@receiver(post_delete, sender=PortalSettings, dispatch_uid="core-bump-on-settings-delete")
def settings_changed(**kwargs) -> None:
    bump_site_version()


# Offices and departments are shown inside cached page fragments (guides, appointments), so an
# edit of their hours, phone or address must reach those pages at once, as a publish does.
for model in (Department, Office, OfficeHours):
    post_save.connect(bump_site_version, sender=model, dispatch_uid=f"core-bump-on-{model.__name__}")
    post_delete.connect(bump_site_version, sender=model, dispatch_uid=f"core-bump-on-{model.__name__}-delete")


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="core-restrictions-saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="core-restrictions-deleted")
def view_restrictions_changed(**kwargs) -> None:
    cache.delete(VIEW_RESTRICTIONS_KEY)
