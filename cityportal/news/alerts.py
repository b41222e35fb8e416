"""Email alerts: subscribe to a section or a policy topic in one language, confirm, unsubscribe, and
the emails sent when an article or policy is first published (or once a week, as a digest).

Double opt-in: `request_subscription` stores a pending row and emails a link carrying a random token
(only its SHA-256 is stored); following it and pressing the button confirms. The page never says
whether an address was already subscribed: that address gets an email saying so instead.

Every alert email carries an unsubscribe link. The confirmation token cannot be put in it (only its
hash is kept), so the link carries `<id>-<HMAC of the token hash>`, which only the portal can make
and which stops working if the row is deleted or its token replaced. The same HMAC gives each
subscription its reference ("AL-…") for the "your data" page (news/privacy.py).
"""

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext
from wagtail.models import Page, Site

from cityportal.core.models import OutboundEmail
from cityportal.core.retention import retention_period
from cityportal.core.sections import Section
from cityportal.core.services.messaging import queue_email
from cityportal.core.services.privacy import normalise_email
from cityportal.core.templatetags.core_tags import BEIJING, format_date

from .models import AlertDelivery, AlertSubscription, NewsArticle, PolicyDocument, Topic

logger = logging.getLogger(__name__)

Frequency = AlertSubscription.Frequency
ALERTED_MODELS = (NewsArticle, PolicyDocument)
RETENTION_CLASS = "alert_requests"
DEFAULT_PENDING_LIFETIME = timedelta(days=7)
DIGEST_INTERVAL = timedelta(days=7)
DIGEST_MAX_ITEMS = 30
# An item dated this long before it was published is an archive import, not news: it is not announced.
ANNOUNCE_MAX_AGE = timedelta(days=60)
UNSUBSCRIBE_SALT = "cityportal.news.alerts.unsubscribe"
REFERENCE_SALT = "cityportal.news.alerts.reference"
REFERENCE_PREFIX = "AL-"


# --- Tokens, links and references -----------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh secret for a confirmation link, and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _signature(salt: str, value: str, secret: str) -> bytes:
    return salted_hmac(salt, value, secret=secret, algorithm="sha256").digest()


def _secrets() -> list[str]:
    """The current secret key first, then the fallbacks, so links survive a key rotation."""
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def unsubscribe_token(subscription: AlertSubscription) -> str:
    digest = _signature(UNSUBSCRIBE_SALT, f"{subscription.pk}:{subscription.token_hash}", settings.SECRET_KEY)
    return f"{subscription.pk}-{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def subscription_reference(subscription: AlertSubscription) -> str:
    """A reference such as AL-7KQ2MX4PZR (50 random-looking bits), quoted in every email."""
    digest = _signature(REFERENCE_SALT, subscription.token_hash, settings.SECRET_KEY)
    return REFERENCE_PREFIX + base64.b32encode(digest).decode()[:10]


def portal_url(path: str) -> str:
    """An absolute address on the portal, for emails (WAGTAILADMIN_BASE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def confirm_url(language: str, token: str) -> str:
    with translation.override(language):
        return portal_url(reverse("alerts:confirm", kwargs={"token": token}))


def unsubscribe_url(subscription: AlertSubscription) -> str:
    with translation.override(subscription.language):
        return portal_url(reverse("alerts:unsubscribe", kwargs={"token": unsubscribe_token(subscription)}))


def subscribe_url(language: str) -> str:
    with translation.override(language):
        return portal_url(reverse("alerts:subscribe"))


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail programs show an "unsubscribe" button that POSTs to `url`.
    Every email also has the link in its text, for mail programs without such a button."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- Finding subscriptions ------------------------------------------------------------------------


def pending_lifetime() -> timedelta:
    return retention_period(RETENTION_CLASS) or DEFAULT_PENDING_LIFETIME


def by_token(token: str, *, now: datetime | None = None) -> AlertSubscription | None:
    """The subscription a confirmation link names; None when unknown or its request expired."""
    if not token or len(token) > 100:
        return None
    subscription = (
        AlertSubscription.objects.select_related("topic").filter(token_hash=hash_token(token)).first()
    )
    if subscription is None:
        return None
    now = now or timezone.now()
    if subscription.confirmed_at is None and subscription.created_at < now - pending_lifetime():
        return None
    return subscription


def by_unsubscribe_token(token: str) -> AlertSubscription | None:
    """The subscription an unsubscribe link names; None when unknown, deleted or tampered with."""
    pk, _dash, signature = (token or "").partition("-")
    if not pk.isdigit() or len(pk) > 18 or not signature or len(signature) > 100:
        return None
    subscription = AlertSubscription.objects.select_related("topic").filter(pk=int(pk)).first()
    if subscription is None:
        return None
    message = f"{subscription.pk}:{subscription.token_hash}"
    for secret in _secrets():
        expected = (
            base64.urlsafe_b64encode(_signature(UNSUBSCRIBE_SALT, message, secret)).decode().rstrip("=")
        )
        if hmac.compare_digest(expected, signature):
            return subscription
    return None


def subject_name(subscription: AlertSubscription) -> str:
    """What the subscription is about, in the active language: a section or a topic's name."""
    if subscription.section:
        return str(Section(subscription.section).label)
    return subscription.topic.name if subscription.topic else ""


def subject_query(subscription: AlertSubscription) -> dict[str, str]:
    """The query string that preselects the subscription's subject on the sign-up page."""
    if subscription.section:
        return {"section": subscription.section}
    return {"topic": subscription.topic.slug} if subscription.topic else {}


def same_subject(section: str, topic: Topic | None) -> Q:
    if topic is not None:
        return Q(topic=topic)
    return Q(section=section, topic__isnull=True)


# --- State changes --------------------------------------------------------------------------------


def request_subscription(
    email: str,
    language: str,
    *,
    section: str = "",
    topic: Topic | None = None,
    frequency: str = Frequency.IMMEDIATE,
) -> str | None:
    """Ask for alerts about one section or one topic: store a pending subscription (or renew the
    token of a pending one, whose old link then stops working) and email the confirmation link.

    Returns the new token, or None when the address was already subscribed to this subject: it is
    then sent an email saying so, and nothing changes. Callers say the same thing in both cases."""
    if bool(section) == (topic is not None):
        raise ValueError("Give either a section or a topic.")
    if section and section not in Section.values:
        raise ValueError(f"Unknown section {section!r}.")
    if language not in dict(settings.LANGUAGES) or frequency not in Frequency.values:
        raise ValueError("Unknown language or frequency.")
    email = normalise_email(email)
    token, token_hash = new_token()
    with transaction.atomic():
        existing = (
            AlertSubscription.objects.select_for_update(of=("self",))  # the topic join is nullable
            .select_related("topic")
            .filter(same_subject(section, topic), email=email, language=language)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    subscription = AlertSubscription.objects.create(
                        email=email,
                        language=language,
                        section=section,
                        topic=topic,
                        frequency=frequency,
                        token_hash=token_hash,
                    )
            except IntegrityError:  # the same request at the same moment: renew that one
                existing = AlertSubscription.objects.select_for_update().get(
                    same_subject(section, topic), email=email, language=language
                )
        if existing is not None:
            if existing.confirmed_at is not None:
                send_already_subscribed(existing)
                return None
            AlertSubscription.objects.filter(pk=existing.pk).update(
                token_hash=token_hash, frequency=frequency, created_at=timezone.now()
            )
            existing.refresh_from_db()
            subscription = existing
        send_confirmation(subscription, token)
    return token


def confirm_subscription(token: str, *, now: datetime | None = None) -> AlertSubscription | None:
    """Confirm the subscription of a confirmation link (again: no change); None for a bad link."""
    now = now or timezone.now()
    subscription = by_token(token, now=now)
    if subscription is None:
        return None
    if subscription.confirmed_at is None:
        # Conditional: a second click at the same moment keeps the first confirmation time.
        AlertSubscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=now
        )
        subscription.refresh_from_db()
    return subscription


def unsubscribe(token: str) -> bool:
    """Delete the subscription of an unsubscribe link (its delivery records go with it)."""
    subscription = by_unsubscribe_token(token)
    if subscription is None:
        return False
    deleted, _by_model = AlertSubscription.objects.filter(pk=subscription.pk).delete()
    return deleted > 0


# --- Who is told about a page ---------------------------------------------------------------------


def has_immediate_audience(language: str) -> bool:
    return AlertSubscription.objects.filter(
        language=language, frequency=Frequency.IMMEDIATE, confirmed_at__isnull=False
    ).exists()


def alerts_for_page(page) -> QuerySet[AlertSubscription]:
    """The confirmed immediate subscribers of the page's language whose section is among the page's
    sections or whose topic is among its topics (news articles and policies alike)."""
    section_codes = list(page.sections.values_list("code", flat=True))
    topic_ids = list(page.topics.values_list("pk", flat=True))
    return (
        AlertSubscription.objects.filter(
            language=page.locale.language_code, frequency=Frequency.IMMEDIATE, confirmed_at__isnull=False
        )
        .filter(Q(section__in=section_codes) | Q(topic_id__in=topic_ids))
        .select_related("topic")
        .order_by("email", "pk")
    )


def item_date(page) -> datetime:
    if isinstance(page, PolicyDocument):
        return datetime.combine(page.date_issued, time(0), tzinfo=BEIJING)
    return page.date


def is_announceable(page) -> bool:
    """Live, not an alias, and new: an archive import of old items announces nothing."""
    if not page.live or page.alias_of_id is not None:
        return False
    published = page.first_published_at or timezone.now()
    return item_date(page) >= published - ANNOUNCE_MAX_AGE


def send_page_alerts(page_id: int) -> int:
    """Email each matching immediate subscriber about a newly published page, once: an AlertDelivery
    row is written with the email, and its unique constraint keeps a second run from sending again.
    An address subscribed to several matching subjects gets one email. Returns emails queued."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return 0
    page = page.specific
    if not isinstance(page, ALERTED_MODELS) or not is_announceable(page):
        return 0
    by_address: dict[str, list[AlertSubscription]] = {}
    for subscription in alerts_for_page(page).exclude(deliveries__page=page):
        by_address.setdefault(subscription.email, []).append(subscription)
    sent = 0
    for subscriptions in by_address.values():
        with transaction.atomic():
            claimed = [subscription for subscription in subscriptions if _claim_delivery(subscription, page)]
            if claimed:
                send_alert(claimed, page)
                sent += 1
    return sent


def _claim_delivery(subscription: AlertSubscription, page) -> bool:
    try:
        with transaction.atomic():
            AlertDelivery.objects.create(subscription=subscription, page=page)
    except IntegrityError:  # another run sent it
        return False
    return True


# --- Weekly digests -------------------------------------------------------------------------------


def due_digests(now: datetime) -> QuerySet[AlertSubscription]:
    """Confirmed weekly subscriptions whose last digest (or confirmation) is a week old or more."""
    return (
        AlertSubscription.objects.filter(frequency=Frequency.WEEKLY, confirmed_at__isnull=False)
        .annotate(since=Coalesce("last_digest_at", "confirmed_at"))
        .filter(since__lte=now - DIGEST_INTERVAL)
        .select_related("topic")
        .order_by("pk")
    )


def digest_items(subscription: AlertSubscription, since: datetime, until: datetime) -> list:
    """The subscription's articles and policies first published in (since, until], newest first."""
    items = []
    for model in ALERTED_MODELS:
        pages = model.objects.live().filter(
            locale__language_code=subscription.language,
            alias_of__isnull=True,
            first_published_at__gt=since,
            first_published_at__lte=until,
        )
        if subscription.section:
            pages = pages.filter(sections__code=subscription.section)
        else:
            pages = pages.filter(topics=subscription.topic_id)
        items += pages.distinct().order_by("-first_published_at")[:DIGEST_MAX_ITEMS]
    items = [page for page in items if is_announceable(page)]
    items.sort(key=lambda page: page.first_published_at, reverse=True)
    return items[:DIGEST_MAX_ITEMS]


def send_weekly_digests(now: datetime) -> int:
    """Send each due weekly subscriber what was published on their subject since their last digest;
    nothing when there is nothing new (the week still counts). Returns the digests queued.

    Each subscription is claimed by moving `last_digest_at` with a conditional UPDATE before its email
    is queued, in one transaction, so two runs never send the same week twice."""
    sent = 0
    for subscription in due_digests(now):
        since, last = subscription.since, subscription.last_digest_at
        unchanged = Q(last_digest_at=last) if last else Q(last_digest_at__isnull=True)
        with transaction.atomic():
            claimed = AlertSubscription.objects.filter(unchanged, pk=subscription.pk).update(
                last_digest_at=now
            )
            if not claimed:
                continue
            items = digest_items(subscription, since, now)
            if items:
                send_digest(subscription, items, since)
                sent += 1
    return sent


# --- The emails -----------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Item:
    """A page as an email lists it."""

    title: str
    summary: str
    date: str
    url: str
    kind: str


def email_item(page) -> Item:
    _site_id, _root, path = page.get_url_parts() or (None, "", page.url_path)
    kind = gettext("Policy") if isinstance(page, PolicyDocument) else gettext("News")
    return Item(
        title=page.title,
        summary=page.summary,
        date=format_date(item_date(page), "long"),
        url=portal_url(path),
        kind=kind,
    )


def _one_line(text: str) -> str:
    return " ".join(str(text).split())  # SMTP refuses a line break in a subject


def _queue(
    subscription: AlertSubscription,
    template: str,
    subject: str,
    context: dict,
    *,
    purpose: str,
) -> OutboundEmail:
    """Render templates/news/emails/<template>.txt and .html in the subscriber's language and queue
    them. Call inside translation.override(subscription.language)."""
    context = {
        **context,
        "subject": subject,
        "portal_name": portal_name(subscription.language),
        "subscribe_url": subscribe_url(subscription.language),
        "reference": subscription_reference(subscription),
    }
    text = render_to_string(f"news/emails/{template}.txt", context)
    html = render_to_string(f"news/emails/{template}.html", context)
    unsubscribe = context.get("unsubscribe_url")
    return queue_email(
        subscription.email,
        subject,
        text,
        html,
        language=subscription.language,
        purpose=purpose,
        headers=unsubscribe_headers(unsubscribe) if unsubscribe else None,
    )


def send_confirmation(subscription: AlertSubscription, token: str) -> OutboundEmail:
    with translation.override(subscription.language):
        name = subject_name(subscription)
        subject = _one_line(gettext("Please confirm your email alerts about %(subject)s") % {"subject": name})
        return _queue(
            subscription,
            "confirmation",
            subject,
            {
                "subject_name": name,
                "frequency": subscription.get_frequency_display(),
                "confirm_url": confirm_url(subscription.language, token),
                "lifetime_days": pending_lifetime().days,
            },
            purpose="alert-confirmation",
        )


def send_already_subscribed(subscription: AlertSubscription) -> OutboundEmail:
    with translation.override(subscription.language):
        name = subject_name(subscription)
        subject = _one_line(gettext("You already receive email alerts about %(subject)s") % {"subject": name})
        return _queue(
            subscription,
            "already_subscribed",
            subject,
            {
                "subject_name": name,
                "frequency": subscription.get_frequency_display(),
                "unsubscribe_url": unsubscribe_url(subscription),
            },
            purpose="alert-already-subscribed",
        )


def send_alert(subscriptions: list[AlertSubscription], page) -> OutboundEmail:
    """One email about `page` to one address, naming each of its matching subscriptions."""
    first = subscriptions[0]
    with translation.override(first.language):
        item = email_item(page)
        names = [subject_name(subscription) for subscription in subscriptions]
        subject = _one_line(
            gettext("New in %(subject)s: %(title)s") % {"subject": names[0], "title": page.title}
        )
        return _queue(
            first,
            "alert",
            subject,
            {
                "item": item,
                "subscriptions": [
                    (name, unsubscribe_url(subscription))
                    for name, subscription in zip(names, subscriptions, strict=True)
                ],
                "unsubscribe_url": unsubscribe_url(first),
            },
            purpose="alert",
        )


def send_digest(subscription: AlertSubscription, pages: list, since: datetime) -> OutboundEmail:
    with translation.override(subscription.language):
        name = subject_name(subscription)
        count = len(pages)
        subject = _one_line(
            ngettext(
                "%(subject)s: %(count)d new item this week",
                "%(subject)s: %(count)d new items this week",
                count,
            )
            % {"subject": name, "count": count}
        )
        return _queue(
            subscription,
            "digest",
            subject,
            {
                "subject_name": name,
                "items": [email_item(page) for page in pages],
                "since": format_date(since, "long"),
                "unsubscribe_url": unsubscribe_url(subscription),
            },
            purpose="alert-digest",
        )


# --- Retention ------------------------------------------------------------------------------------


def expired_requests(cutoff: datetime) -> QuerySet[AlertSubscription]:
    """Requests never confirmed, made before `cutoff`."""
    return AlertSubscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)


def purge_expired_requests(cutoff: datetime) -> int:
    _deleted, by_model = expired_requests(cutoff).delete()
    return by_model.get(AlertSubscription._meta.label, 0)


def masked_email(email: str) -> str:
    """“a•••@example.org”: enough for an operator to tell addresses apart, not to read them."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"
