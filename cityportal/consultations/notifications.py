"""Emails to the visitor, in the question's language: the acknowledgement and each reply.

Each email is written in the language the question was asked in, whatever language the staff member
who answers uses in the admin. It has a text and an HTML part (templates/consultations/emails/),
carries the reference, an absolute link to the status page, and says how the “your data” page shows
or deletes what we hold. Visitor and staff text is escaped in the HTML part and left plain in the
text part. The services call these inside their transaction, so an email is queued only for a
question or reply that was saved (core.services.messaging.queue_email retries the sending).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page, Site

from cityportal.core import i18n
from cityportal.core.models import OutboundEmail
from cityportal.core.services.messaging import queue_email
from cityportal.core.templatetags.core_tags import format_date

from .models import Question, Reply

ACKNOWLEDGEMENT = "acknowledgement"
REPLY = "reply"


def send_acknowledgement(question: Question) -> OutboundEmail:
    """Queue “we have received your question”: reference, a copy of the question, the due day."""
    with translation.override(question.language):
        subject = gettext("We have received your question %(reference)s") % {"reference": question.reference}
        return _queue(question, ACKNOWLEDGEMENT, subject, purpose="question-received")


def send_reply(reply: Reply) -> OutboundEmail:
    """Queue a reply: its text, the reference and the status page where every answer stays."""
    question = reply.question
    with translation.override(question.language):
        subject = gettext("Answer to your question %(reference)s") % {"reference": question.reference}
        return _queue(question, REPLY, subject, purpose="question-answer", reply=reply)


# --- Writing the emails ---------------------------------------------------------------------------


def portal_url(path: str) -> str:
    """An absolute address on the portal, for emails (WAGTAILADMIN_BASE_URL, as news/alerts.py does)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def status_url(language: str) -> str:
    with translation.override(language):
        return portal_url(reverse("question-status"))


def my_data_url(language: str) -> str:
    with translation.override(language):
        return portal_url(reverse("privacy-my-data"))


def portal_name(language: str) -> str:
    """The portal's name in `language`, from its home page there ("" without a site)."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return ""
    home = (
        Page.objects.filter(translation_key=site.root_page.translation_key, locale__language_code=language)
        .specific()
        .first()
    ) or site.root_page.specific
    return getattr(home, "portal_name", "") or home.title


def one_line(text: str) -> str:
    return " ".join(str(text).split())  # SMTP refuses a line break in a subject


def _queue(question: Question, kind: str, subject: str, *, purpose: str, reply: Reply | None = None):
    """Render emails/<kind>.txt and .html in the question's language (call inside its override)."""
    subject = one_line(subject)
    context = {
        "subject": subject,
        "question": question,
        "reply": reply,
        "reference": question.reference,
        "name": question.name,
        "due_date": format_date(question.due_on, "full"),
        "language_name": i18n.language_name(question.language),
        "status_url": status_url(question.language),
        "my_data_url": my_data_url(question.language),
        "portal_name": portal_name(question.language),
    }
    text = render_to_string(f"consultations/emails/{kind}.txt", context)
    html = render_to_string(f"consultations/emails/{kind}.html", context)
    return queue_email(question.email, subject, text, html, language=question.language, purpose=purpose)
