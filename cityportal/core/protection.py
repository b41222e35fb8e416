"""Protection for anonymous forms without cookies (ADR 009).

Public pages set no cookie, so anonymous forms cannot carry Django's CSRF token. Instead, a view
decorated with `protected_form_view` refuses cross-site posts (Sec-Fetch-Site, else Origin, else
Referer), and a form using `ProtectedFormMixin` checks, in this order:

1. the honeypot field is empty (bots fill every field; people never see it);
2. the proof-of-work challenge (ALTCHA-compatible, solved by static/js/protection.js) is valid,
   unexpired and used for the first time; replay protection needs the cache, so it fails CLOSED;
3. the rate limits per IP address and per identifier (an email, a reference) are not exceeded;
   they are counted in the shared cache and fail OPEN, with an error logged, when it is down.

A form without JavaScript sends no solution: with `challenge = "enhance"` (the default) it is
accepted under a tighter per-IP limit; with `challenge = "require"` it is refused with an
explanation. See "Protecting a new form" in docs/architecture.md for how to use this.
"""

import base64
import binascii
import hmac
import ipaddress
import json
import logging
import math
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import wraps

import altcha
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"  # a name bots like to fill in
CHALLENGE_FIELD = "altcha"  # the field name the ALTCHA widget uses, so either solver works
ALGORITHM = "SHA-256"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

UNAVAILABLE_MESSAGE = gettext_lazy("This service is briefly unavailable, please try again in a few minutes.")
CROSS_SITE_MESSAGE = gettext_lazy(
    "This form was sent from another website, so we did not accept it. "
    "Please open the form on this site and send it again."
)
REFUSED_MESSAGE = gettext_lazy("We could not accept this form. Please reload the page and try again.")
EXPIRED_MESSAGE = gettext_lazy(
    "The check that you are not an automated program has expired. Please send the form again."
)
NEEDS_JAVASCRIPT_MESSAGE = gettext_lazy(
    "This form needs JavaScript to check that you are not an automated program. Please turn on "
    "JavaScript and send the form again, or contact us another way."
)


# --- Same-origin check -----------------------------------------------------------------------------


def _origin_of(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_same_origin(request) -> bool:
    """True when the browser says the post comes from one of our own pages.

    Sec-Fetch-Site is sent by every current browser and cannot be set by a page; older browsers
    send Origin on a POST; Referer is the last resort. A request with none of them is refused:
    only non-browser clients send none.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        # "none": the visitor started the request themselves (address bar, bookmark), not a page.
        return fetch_site in ("same-origin", "none")
    own = {f"{request.scheme}://{request.get_host()}".lower()}
    own.update(origin.lower().rstrip("/") for origin in settings.CSRF_TRUSTED_ORIGINS)
    origin = request.headers.get("Origin")
    if origin:
        return origin != "null" and origin.lower() in own
    referer = request.headers.get("Referer")
    if referer:
        return _origin_of(referer) in own
    return False


def _anonymous(request):
    """The protected view sees every visitor as anonymous, so a session cookie gives it no authority."""
    anonymous = AnonymousUser()

    async def auser():
        return anonymous

    request.user = anonymous
    request.auser = auser
    return request


def protected_form_view(view):
    """Decorate a view that takes anonymous posts: exempt from Django's CSRF check, which needs a
    cookie, and protected instead by the same-origin check (the form's own checks come from
    ProtectedFormMixin). The view must not act with request.user: it is always AnonymousUser here.
    Views that act for a logged-in user keep Django's CSRF protection and do not use this.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        _anonymous(request)
        if request.method not in SAFE_METHODS and not is_same_origin(request):
            logger.warning(
                "Refused a cross-site %s to %s (Sec-Fetch-Site=%r, Origin=%r)",
                request.method,
                request.path,
                request.headers.get("Sec-Fetch-Site"),
                request.headers.get("Origin"),
            )
            response = render(request, "core/form_refused.html", {"message": CROSS_SITE_MESSAGE}, status=403)
        else:
            response = view(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return csrf_exempt(wrapped)


# --- Client address --------------------------------------------------------------------------------


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the entry TRUSTED_PROXY_COUNT places from the right of
    X-Forwarded-For when that many proxies stand in front of the portal."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        # One household or phone gets a whole /64: count the network, not the address.
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


# --- Rate limits -----------------------------------------------------------------------------------

PERIOD_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_PATTERN = re.compile(r"^(\d+)/(\d*)([smhd])$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'5/h' is five per hour; '10/15m' ten per quarter of an hour; units s, m, h, d."""
        match = RATE_PATTERN.match(text.replace(" ", ""))
        if not match or int(match[1]) < 1:
            raise ValueError(f"Rate {text!r} is not like '5/h', '10/15m' or '100/d'.")
        return cls(int(match[1]), int(match[2] or 1) * PERIOD_UNITS[match[3]])

    def minutes_left(self) -> int:
        """Minutes until the current window ends and the count starts again."""
        return max(1, math.ceil((self.seconds - time.time() % self.seconds) / 60))


@dataclass(frozen=True)
class RateLimit:
    """How often one form may be sent, e.g. RateLimit("ask-question", per_ip="5/h", per_identifier="3/h").

    `without_challenge_per_ip` is the tighter limit for a visitor who sent no proof-of-work (no
    JavaScript); by default half of `per_ip`, at least one.
    """

    name: str
    per_ip: str | None = None
    per_identifier: str | None = None
    without_challenge_per_ip: str | None = None
    rates: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        rates = {}
        if self.per_ip:
            rates["ip"] = Rate.parse(self.per_ip)
        if self.per_identifier:
            rates["identifier"] = Rate.parse(self.per_identifier)
        if self.without_challenge_per_ip:
            rates["ip-without-challenge"] = Rate.parse(self.without_challenge_per_ip)
        elif "ip" in rates:
            rates["ip-without-challenge"] = Rate(max(1, rates["ip"].count // 2), rates["ip"].seconds)
        object.__setattr__(self, "rates", rates)


def _bucket_key(name: str, scope: str, value: str, rate: Rate) -> str:
    # The address or email is never stored: only a keyed hash of it, for one window.
    digest = salted_hmac(
        "cityportal.core.protection.rate", f"{name}|{scope}|{value}", algorithm="sha256"
    ).hexdigest()[:32]
    window = int(time.time() // rate.seconds)
    return f"ratelimit:{name}:{scope}:{digest}:{window}"


def _count(key: str, rate: Rate) -> int | None:
    """Add one to the window's counter; None when the cache cannot count (it is down)."""
    try:
        if cache.add(key, 1, timeout=rate.seconds + 5) is True:
            return 1
        try:
            count = cache.incr(key)
        except ValueError:  # the window expired between add and incr: this is its first hit
            cache.add(key, 1, timeout=rate.seconds + 5)
            return 1
    except Exception:  # noqa: BLE001 - whatever the backend raises, rate limits fail open
        logger.exception("Rate limit not applied: the cache raised an error")
        return None
    return count if isinstance(count, int) else None


def hit(name: str, scope: str, value: str, rate: Rate) -> bool:
    """Count one submission; False when it goes over the rate. Fails open (True) without a cache."""
    count = _count(_bucket_key(name, scope, value, rate), rate)
    if count is None:
        logger.error(
            "Rate limit %s (%s) not applied: the cache is unavailable; the submission was let through.",
            name,
            scope,
        )
        return True
    return count <= rate.count


# --- Proof-of-work challenge (ALTCHA, v1 format) -----------------------------------------------------


class Verdict(Enum):
    ACCEPTED = "accepted"
    INVALID = "invalid"
    EXPIRED = "expired"
    REPLAYED = "replayed"
    UNAVAILABLE = "unavailable"


def _hmac_key() -> bytes:
    return salted_hmac("cityportal.core.protection.challenge", "altcha", algorithm="sha256").digest()


def create_challenge() -> dict:
    """A fresh, signed, expiring challenge; nothing is stored until it is used."""
    expires = datetime.now(UTC) + timedelta(seconds=settings.BOT_CHALLENGE_TTL)
    challenge = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            algorithm=ALGORITHM,
            max_number=settings.BOT_CHALLENGE_MAX_NUMBER,
            hmac_key=_hmac_key(),
            expires=expires,
        )
    )
    return challenge.to_dict()


def _decode_solution(payload: str) -> dict | None:
    """The solution's fields, strictly typed, or None for anything malformed."""
    if not payload or len(payload) > 2000:
        return None
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    strings = ("algorithm", "challenge", "salt", "signature")
    if not all(isinstance(data.get(key), str) for key in strings):
        return None
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        return None
    if data["algorithm"] != ALGORITHM:
        return None
    return data


def _salt_expiry(salt: str) -> int | None:
    params = urllib.parse.parse_qs(salt.split("?", 1)[1]) if "?" in salt else {}
    values = params.get("expires", [])
    if len(values) != 1 or not values[0].isdigit():
        return None
    return int(values[0])


def verify_solution(payload: str) -> Verdict:
    """Check a solution: our signature, not expired, and used for the first time.

    Single use is recorded in the cache; without a cache a solution could be replayed, so the
    answer is then UNAVAILABLE (fail closed).
    """
    data = _decode_solution(payload)
    if data is None:
        return Verdict.INVALID
    salt = data["salt"] if data["salt"].endswith("&") else data["salt"] + "&"
    expected_challenge = altcha.hash_hex(ALGORITHM, f"{salt}{data['number']}".encode())
    expected_signature = altcha.hmac_hex(ALGORITHM, expected_challenge.encode(), _hmac_key())
    if not (
        hmac.compare_digest(expected_challenge, data["challenge"])
        and hmac.compare_digest(expected_signature, data["signature"])
    ):
        return Verdict.INVALID
    expires = _salt_expiry(data["salt"])
    now = time.time()
    if expires is None:
        return Verdict.INVALID  # we always sign an expiry; a challenge without one is not ours
    if expires < now:
        return Verdict.EXPIRED
    try:
        first_use = cache.add(f"challenge-used:{expected_challenge}", 1, timeout=int(expires - now) + 60)
    except Exception:  # noqa: BLE001 - without the cache replay cannot be refused: fail closed
        logger.exception("Challenge refused: the cache raised an error")
        first_use = None
    if first_use is True:
        return Verdict.ACCEPTED
    if first_use is False:
        return Verdict.REPLAYED
    logger.error("Challenge refused: the cache is unavailable, so replays cannot be detected.")
    return Verdict.UNAVAILABLE


@require_safe
def challenge_view(request):
    """A new challenge for static/js/protection.js, never cached, no cookie."""
    response = JsonResponse(create_challenge())
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- The form mixin --------------------------------------------------------------------------------


class Challenge:
    OFF = "off"  # no proof-of-work: low-value forms
    ENHANCE = "enhance"  # solved with JavaScript when available; without it, tighter rate limits
    REQUIRE = "require"  # refused without a solution (with an explanation)


class ProtectedFormMixin:
    """Honeypot, proof-of-work and rate limits for an anonymous form. Use it before forms.Form.

        class QuestionForm(ProtectedFormMixin, forms.Form):
            rate_limit = RateLimit("ask-question", per_ip="5/h", per_identifier="3/h")
            identifier_field = "email"

        form = QuestionForm(request.POST, request=request)

    The checks run after the form's own validation succeeds, so a typo costs no rate-limit allowance.
    `form.status_code` is the HTTP status to answer an invalid form with.
    """

    rate_limit: RateLimit | None = None
    identifier_field: str | None = None
    challenge: str = Challenge.ENHANCE

    def __init__(self, *args, request, **kwargs):
        self.request = request
        self.status_code = 200
        super().__init__(*args, **kwargs)

    @property
    def honeypot_name(self) -> str:
        return self.add_prefix(HONEYPOT_FIELD)

    @property
    def challenge_name(self) -> str:
        return self.add_prefix(CHALLENGE_FIELD)

    @property
    def challenge_required(self) -> bool:
        return self.challenge == Challenge.REQUIRE and settings.BOT_CHECKS

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or self._errors is None:
            return
        bot_checks = settings.BOT_CHECKS
        if bot_checks and self.data.get(self.honeypot_name):
            logger.info("Refused %s: the honeypot was filled", type(self).__name__)
            self._refuse(REFUSED_MESSAGE, 400)
            return
        if self._errors:
            return
        solved = False
        if bot_checks and self.challenge != Challenge.OFF:
            payload = self.data.get(self.challenge_name, "")
            if payload:
                verdict = verify_solution(payload)
                if verdict is not Verdict.ACCEPTED:
                    self._refuse_challenge(verdict)
                    return
                solved = True
            elif self.challenge == Challenge.REQUIRE:
                self._refuse(NEEDS_JAVASCRIPT_MESSAGE, 400)
                return
        if settings.RATE_LIMITS and self.rate_limit is not None:
            self._apply_rate_limits(without_challenge=bot_checks and not solved)

    def _refuse(self, message, status: int):
        self.add_error(None, message)
        self.status_code = status

    def _refuse_challenge(self, verdict: Verdict):
        logger.info("Refused %s: challenge %s", type(self).__name__, verdict.value)
        if verdict is Verdict.UNAVAILABLE:
            self._refuse(UNAVAILABLE_MESSAGE, 503)
        elif verdict is Verdict.EXPIRED:
            self._refuse(EXPIRED_MESSAGE, 400)
        else:
            self._refuse(REFUSED_MESSAGE, 400)

    def _apply_rate_limits(self, *, without_challenge: bool):
        limit = self.rate_limit
        checks = []
        ip = client_ip(self.request)
        if "ip" in limit.rates:
            checks.append(("ip", ip))
        if without_challenge and self.challenge != Challenge.OFF and "ip-without-challenge" in limit.rates:
            checks.append(("ip-without-challenge", ip))
        if self.identifier_field and "identifier" in limit.rates:
            identifier = str(self.cleaned_data.get(self.identifier_field) or "").strip().casefold()
            if identifier:
                checks.append(("identifier", identifier))
        for scope, value in checks:
            rate = limit.rates[scope]
            if not hit(limit.name, scope, value, rate):
                logger.info("Refused %s: rate limit %s (%s) reached", type(self).__name__, limit.name, scope)
                minutes = rate.minutes_left()
                message = ngettext(
                    "This form has been sent too often. Please try again in %(minutes)s minute.",
                    "This form has been sent too often. Please try again in %(minutes)s minutes.",
                    minutes,
                ) % {"minutes": minutes}
                self._refuse(message, 429)
                return
