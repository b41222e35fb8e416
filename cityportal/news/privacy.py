"""The news app's personal data: email alert subscriptions (docs/privacy.md, docs/alerts-and-notices.md).

A subscription holds an email address, a language and a subject. Unsubscribing deletes it at once;
a request never confirmed is deleted RETENTION["alert_requests"] after it was made (7 days by
default). On the "your data" page, the reference quoted in every alert email (AL-…) with the
address shows every subscription of that address, downloads them, or deletes them all.
"""

from datetime import datetime

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cityportal.core.data_requests import Record, register_personal_data_provider
from cityportal.core.i18n import language_name
from cityportal.core.retention import register_retention
from cityportal.core.templatetags.core_tags import format_datetime

from .alerts import (
    REFERENCE_PREFIX,
    RETENTION_CLASS,
    expired_requests,
    purge_expired_requests,
    subject_name,
    subscription_reference,
)
from .models import AlertSubscription

PROVIDER = "alert_subscriptions"

register_retention(
    RETENTION_CLASS,
    purge=purge_expired_requests,
    count=lambda cutoff: expired_requests(cutoff).count(),
    describe=_("Email alert requests that were never confirmed"),
)


def _subscriptions(email: str):
    return AlertSubscription.objects.filter(email=email).select_related("topic").order_by("pk")


def find_subscriptions(reference: str, email: str) -> list[Record]:
    """Every subscription of `email`, when `reference` is one of theirs: the reference is only ever
    sent to that address, so holding it proves the address is the visitor's."""
    if not reference.startswith(REFERENCE_PREFIX) or not email:
        return []
    subscriptions = list(_subscriptions(email))
    if not any(subscription_reference(subscription) == reference for subscription in subscriptions):
        return []
    return [
        Record(
            provider=PROVIDER,
            key=str(subscription.pk),
            title=gettext("Email alerts: %(subject)s") % {"subject": subject_name(subscription)},
            fields=(
                (gettext("Email"), subscription.email),
                (gettext("Language"), language_name(subscription.language)),
                (gettext("How often"), str(subscription.get_frequency_display())),
                (gettext("Requested"), format_datetime(subscription.created_at, "medium")),
                (
                    gettext("Confirmed"),
                    format_datetime(subscription.confirmed_at, "medium")
                    if subscription.confirmed_at
                    else gettext("Not confirmed"),
                ),
                (gettext("Reference"), subscription_reference(subscription)),
            ),
            created_at=subscription.created_at,
        )
        for subscription in subscriptions
    ]


def _selected(records: list[Record]):
    keys = [record.key for record in records if record.provider == PROVIDER]
    return AlertSubscription.objects.filter(pk__in=keys).select_related("topic")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_subscriptions(records: list[Record]) -> list[dict]:
    return [
        {
            "reference": subscription_reference(subscription),
            "email": subscription.email,
            "language": subscription.language,
            "section": subscription.section or None,
            "topic": subscription.topic.slug if subscription.topic else None,
            "frequency": subscription.frequency,
            "requested_at": _iso(subscription.created_at),
            "confirmed_at": _iso(subscription.confirmed_at),
            "last_digest_at": _iso(subscription.last_digest_at),
            "pages_sent": list(subscription.deliveries.order_by("pk").values_list("page_id", flat=True)),
        }
        for subscription in _selected(records).order_by("pk")
    ]


def erase_subscriptions(records: list[Record]) -> str:
    """Delete the subscriptions (and what each was sent): no further alert goes to the address."""
    _deleted, by_model = _selected(records).delete()
    count = by_model.get(AlertSubscription._meta.label, 0)
    return ngettext(
        "Deleted %(count)d email alert subscription.", "Deleted %(count)d email alert subscriptions.", count
    ) % {"count": count}


register_personal_data_provider(
    PROVIDER,
    label=_("Email alerts"),
    find=find_subscriptions,
    export=export_subscriptions,
    erase=erase_subscriptions,
)
