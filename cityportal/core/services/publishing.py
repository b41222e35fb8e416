"""Scheduled publishing: Wagtail's own `publish_scheduled` logic, run by the scheduler every minute."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import DraftStateMixin, Page, Revision


def publish_scheduled() -> str:
    """Publish the approved revisions whose go-live time has passed and unpublish what has expired.

    The work itself is Wagtail's `publish_scheduled` command (so it follows Wagtail's rules and log
    actions); this counts what it is about to do for the job log.
    """
    now = timezone.now()
    models = [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    expired = sum(model.objects.filter(live=True, expire_at__lt=now).count() for model in models)
    due = Revision.objects.filter(approved_go_live_at__lt=now).count()
    call_command("publish_scheduled", stdout=StringIO())
    return _("%(published)d published, %(unpublished)d unpublished.") % {
        "published": due,
        "unpublished": expired,
    }


# True while an archive is imported in this context: publishing an old article is not news, so what
# reacts to a publish (email alerts, search-engine pings) leaves imported pages alone.
_bulk_import = ContextVar("cityportal_bulk_import", default=False)


@contextmanager
def bulk_import() -> Iterator[None]:
    token = _bulk_import.set(True)
    try:
        yield
    finally:
        _bulk_import.reset(token)


def bulk_import_running() -> bool:
    return _bulk_import.get()
