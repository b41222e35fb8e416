"""The POSTs are protected like the public forms (core/protection.py, ADR 009), for clients without a page.

- A proof-of-work challenge: the client gets one from POST /api/v1/challenges/, solves it (ALTCHA
  v1) and sends the solution in the X-Challenge-Solution header; each solution works once. Off with
  BOT_CHECKS=off. There is no honeypot (no form) and no "without JavaScript" allowance: every client
  can solve it.
- The public forms' own rate limits (same names), per IP address and per email or reference, so the
  pages and the API share one allowance. Off with RATE_LIMITS=off.
- An Idempotency-Key makes a retried booking find the booking it made (the forms' submission token).
"""

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityportal.core import protection

from ..errors import ApiError

SOLUTION_HEADER = "X-Challenge-Solution"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def check_challenge(solution: str | None) -> None:
    if not settings.BOT_CHECKS:
        return
    if not solution:
        raise ApiError(
            403,
            "challenge_required",
            _(
                "Solve a challenge from POST /api/v1/challenges/ and send its solution in the "
                "%(header)s header."
            )
            % {"header": SOLUTION_HEADER},
        )
    verdict = protection.verify_solution(solution)
    if verdict is protection.Verdict.ACCEPTED:
        return
    if verdict is protection.Verdict.UNAVAILABLE:
        raise ApiError(503, "unavailable", str(protection.UNAVAILABLE_MESSAGE))
    if verdict is protection.Verdict.EXPIRED:
        raise ApiError(
            403, "challenge_expired", _("The challenge has expired. Solve a new one and try again.")
        )
    raise ApiError(
        403,
        "challenge_invalid",
        _("The challenge solution is not valid or was used before. Solve a new challenge and try again."),
    )


def check_rate_limits(request, limit: protection.RateLimit, identifier: str) -> None:
    """The public form's own limits (same names), so the pages and the API share one allowance."""
    if not settings.RATE_LIMITS:
        return
    for scope, value in (
        ("ip", protection.client_ip(request)),
        ("identifier", identifier.strip().casefold()),
    ):
        rate = limit.rates.get(scope)
        if rate is None or not value or protection.hit(limit.name, scope, value, rate):
            continue
        minutes = rate.minutes_left()
        message = ngettext(
            "Too many requests. Please try again in %(minutes)s minute.",
            "Too many requests. Please try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}
        raise ApiError(429, "rate_limited", message, headers={"Retry-After": str(minutes * 60)})


def submission_token(key: str | None, email: str) -> str | None:
    """The booking's one-time token for an Idempotency-Key. Keyed by the email too, so a client that
    reuses another's key (or a guessable one) finds nothing of theirs."""
    if not key:
        return None
    return salted_hmac(
        "cityportal.api.idempotency", f"{key}\n{email.casefold()}", algorithm="sha256"
    ).hexdigest()
