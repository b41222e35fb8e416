"""Response headers every public page needs: HTTP caching rules and the admin's own CSP."""

from django.conf import settings
from django.utils.cache import patch_cache_control

# The admin and logged-in areas are never shared through an HTTP cache.
PRIVATE_PREFIXES = ("/admin/", "/django-admin/")

# Wagtail's admin still ships inline scripts and styles, so it gets its own looser policy; every
# other page keeps settings.SECURE_CSP.
ADMIN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

CACHEABLE_STATUSES = {200, 301, 404, 410}


def is_private_path(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


class PublicCacheControlMiddleware:
    """Mark anonymous page views as shareable by an HTTP cache for a short time.

    A response is public only when the visitor sent no session cookie and the response sets no
    cookie, so a cached copy can never carry someone's session. Views that must not be cached set
    their own Cache-Control, which is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "Cache-Control" in response:
            return response
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        if (
            request.method in ("GET", "HEAD")
            and anonymous
            and not response.cookies
            and response.status_code in CACHEABLE_STATUSES
            and not is_private_path(request.path)
        ):
            max_age = settings.PUBLIC_PAGE_MAX_AGE
            patch_cache_control(response, public=True, max_age=max_age, s_maxage=max_age)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class AdminContentSecurityPolicyMiddleware:
    """Give the Wagtail admin its own policy; must sit after Django's CSP middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private_path(request.path):
            response._csp_config = ADMIN_CSP
        return response
