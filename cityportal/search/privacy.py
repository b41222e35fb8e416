"""The search app's personal data: the searches that found nothing (docs/privacy.md, docs/search.md).

A visitor may type a name, a passport, phone or booking number or an email address into the search
box. Only queries that found nothing are kept, for editors, and they are masked when stored
(services.mask_query: every digit becomes 0, an email address becomes “[email]”), counted per
language, with no IP address, session or account. Names typed in letters cannot be told from
words, so the rows are not kept for ever either: a query not searched for
RETENTION["zero_result_searches"] (365 days by default) is deleted by the daily purge. A query
searched again meanwhile stays, since its last search is what counts.

There is no "your data" provider: a row cannot be tied to a visitor (no reference, no address).
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cityportal.core.retention import register_retention

from .models import ZeroResultQuery

RETENTION_CLASS = "zero_result_searches"


def expired_searches(cutoff: datetime) -> QuerySet[ZeroResultQuery]:
    return ZeroResultQuery.objects.filter(last_seen__lt=cutoff)


def purge_expired_searches(cutoff: datetime) -> int:
    deleted, _by_model = expired_searches(cutoff).delete()
    return deleted


register_retention(
    RETENTION_CLASS,
    purge=purge_expired_searches,
    count=lambda cutoff: expired_searches(cutoff).count(),
    describe=_("Searches that found nothing (masked), deleted when not searched again within the period"),
)
