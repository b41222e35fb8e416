"""Files served at the site root for machines (no language prefix)."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def indexnow_key_file(request, key: str) -> HttpResponse:
    """/<INDEXNOW_KEY>.txt: IndexNow fetches it to check that we sent the notification. Cacheable
    like any public page (core.middleware); any other .txt name is a 404."""
    if not settings.INDEXNOW_KEY or key != settings.INDEXNOW_KEY:
        raise Http404
    return HttpResponse(settings.INDEXNOW_KEY, content_type="text/plain; charset=utf-8")
