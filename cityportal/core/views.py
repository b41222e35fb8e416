"""Views outside Wagtail's page tree: the language redirect, health checks, robots.txt, errors."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import override
from django.views.decorators.http import require_safe

from . import i18n, taskqueue

logger = logging.getLogger(__name__)


@require_safe
def language_redirect(request):
    """Send a visitor from / to the best of our languages for their browser, English by default.

    The answer depends on Accept-Language, so no shared cache may keep it.
    """
    language = i18n.best_language_for(request.headers.get("Accept-Language", ""))
    response = HttpResponseRedirect(f"/{language}/")
    patch_vary_headers(response, ["Accept-Language"])
    patch_cache_control(response, private=True, no_store=True)
    return response


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the reason is logged
        logger.exception("Health check: the database does not answer")
        return "error"
    return "ok"


def cache_status() -> str:
    try:
        cache.set("cityportal:healthz", "1", timeout=10)
        if cache.get("cityportal:healthz") != "1":
            return "degraded"
    except Exception:  # noqa: BLE001 - the cache is optional for serving pages; report, don't fail
        logger.exception("Health check: the cache does not answer")
        return "degraded"
    return "ok"


@require_safe
def healthz(request):
    """Readiness: 200 while the database answers (a failed cache only degrades), 503 otherwise.

    `oldest_task_age` is the age in seconds of the oldest waiting background task (0 when none
    waits, null when the database is down): it grows when no worker runs.
    """
    checks = {"database": database_status(), "cache": cache_status()}
    if checks["database"] != "ok":
        status, code = "error", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    age = oldest_task_age() if checks["database"] == "ok" else None
    response = JsonResponse({"status": status, "checks": checks, "oldest_task_age": age}, status=code)
    patch_cache_control(response, no_store=True)
    return response


def oldest_task_age() -> int | None:
    try:
        return taskqueue.oldest_waiting_task_age()
    except Exception:  # noqa: BLE001 - the queue's age is informative; readiness does not depend on it
        logger.exception("Health check: could not read the task queue")
        return None


@require_safe
def liveness(request):
    """Liveness: the process answers requests. No database or cache access, so an outage of either
    makes the instance unready (/healthz) without getting a healthy process restarted."""
    response = JsonResponse({"status": "ok"})
    patch_cache_control(response, no_store=True)
    return response


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap-index"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/search/",
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered with no database access, as the database may be what failed. The language comes from
    # the URL prefix when there is one.
    language = request.path.strip("/").split("/", 1)[0]
    if language not in i18n.language_codes():
        language = settings.FALLBACK_LANGUAGE_CODE
    with override(language):
        return render(request, "500.html", {"request": request}, status=500)
