"""System checks for production settings, registered in CoreConfig.ready."""

from django.conf import settings
from django.core.checks import Error


def check_form_protection_switches(app_configs=None, **kwargs):
    """Rate limits and bot checks may be off only on a load-benchmark machine (ADR 009)."""
    if settings.BENCHMARK_MODE:
        return []
    hint = (
        "These switches exist for load benchmarks only. Remove %(variable)s=off from the environment, "
        "or set BENCHMARK_MODE=on if this machine runs a benchmark and serves no visitors."
    )
    errors = []
    if not settings.RATE_LIMITS:
        errors.append(
            Error(
                "Rate limits of the public forms are off (RATE_LIMITS=off).",
                hint=hint % {"variable": "RATE_LIMITS"},
                id="protection.E001",
            )
        )
    if not settings.BOT_CHECKS:
        errors.append(
            Error(
                "The honeypot and proof-of-work checks of the public forms are off (BOT_CHECKS=off).",
                hint=hint % {"variable": "BOT_CHECKS"},
                id="protection.E002",
            )
        )
    return errors
