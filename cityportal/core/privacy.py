"""The core app's personal data: outgoing emails and the security log (docs/privacy.md).

Outgoing emails hold the recipient's address and what we wrote to them. They are kept
RETENTION["outbound_emails"] after they were sent (or finally failed), then deleted; queued and
retrying emails are never purged. On the "my data" page, a visitor finds the emails we sent to their
address that mention their reference (a booking or question number in the subject or text), and can
have them deleted.

The security log is kept RETENTION["security_logs"], a whole day's file at a time.
"""

import re
from datetime import datetime
from email.utils import getaddresses

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .data_requests import Record, register_personal_data_provider
from .models import OutboundEmail
from .retention import register_retention
from .security_log import count_security_logs, purge_security_logs

PROVIDER = "outbound_emails"
TEXT_SHOWN = 2000  # characters of an email's text shown on the page; the downloaded copy has all of it


# --- Retention ------------------------------------------------------------------------------------


def expired_emails(cutoff: datetime) -> QuerySet[OutboundEmail]:
    finished = [OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED]
    return OutboundEmail.objects.annotate(finished_at=Coalesce("sent_at", "created_at")).filter(
        status__in=finished, finished_at__lt=cutoff
    )


def purge_outbound_emails(cutoff: datetime) -> int:
    deleted, _by_model = OutboundEmail.objects.filter(pk__in=expired_emails(cutoff).values("pk")).delete()
    return deleted


def count_outbound_emails(cutoff: datetime) -> int:
    return expired_emails(cutoff).count()


register_retention(
    "outbound_emails",
    purge=purge_outbound_emails,
    count=count_outbound_emails,
    describe=_("Emails the portal sent, deleted after they were sent or finally failed"),
)
register_retention(
    "security_logs",
    purge=purge_security_logs,
    count=count_security_logs,
    describe=_("Daily security log files (admin logins, data requests, purges)"),
)


# --- Access and erasure ---------------------------------------------------------------------------


def recipient_addresses(email: OutboundEmail) -> set[str]:
    return {address.lower() for _name, address in getaddresses(email.to or []) if address}


def emails_for(reference: str, address: str) -> list[OutboundEmail]:
    """Emails sent to `address` whose subject or text mentions `reference` as a whole word."""
    mentions = re.compile(rf"(?<![\w-]){re.escape(reference)}(?![\w-])", re.IGNORECASE)
    candidates = OutboundEmail.objects.filter(
        Q(subject__icontains=reference) | Q(body_text__icontains=reference)
    )
    return [
        email
        for email in candidates.order_by("created_at", "pk")
        if address in recipient_addresses(email)
        and (mentions.search(email.subject) or mentions.search(email.body_text))
    ]


def beijing(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def find_emails(reference: str, address: str) -> list[Record]:
    records = []
    for email in emails_for(reference, address):
        text = email.body_text if len(email.body_text) <= TEXT_SHOWN else email.body_text[:TEXT_SHOWN] + "…"
        records.append(
            Record(
                provider=PROVIDER,
                key=str(email.pk),
                title=gettext("Email: %(subject)s") % {"subject": email.subject},
                fields=(
                    (gettext("Sent to"), address),
                    (gettext("Written"), beijing(email.created_at)),
                    (gettext("Sent"), beijing(email.sent_at) or str(email.get_status_display())),
                    (gettext("Text"), text),
                ),
                created_at=email.created_at,
            )
        )
    return records


def export_emails(records: list[Record]) -> list[dict]:
    emails = OutboundEmail.objects.filter(pk__in=[record.key for record in records]).order_by(
        "created_at", "pk"
    )
    return [
        {
            "subject": email.subject,
            "text": email.body_text,
            "language": email.language,
            "purpose": email.purpose,
            "status": email.status,
            "created_at": email.created_at.isoformat(),
            "sent_at": email.sent_at.isoformat() if email.sent_at else None,
            "attachments": [attachment.get("name", "") for attachment in email.attachments or []],
        }
        for email in emails
    ]


def erase_emails(records: list[Record]) -> str:
    deleted, _by_model = OutboundEmail.objects.filter(pk__in=[record.key for record in records]).delete()
    return ngettext(
        "Deleted %(count)d email the portal sent you.",
        "Deleted %(count)d emails the portal sent you.",
        deleted,
    ) % {"count": deleted}


register_personal_data_provider(
    PROVIDER,
    label=_("Emails the portal sent you"),
    find=find_emails,
    export=export_emails,
    erase=erase_emails,
)
