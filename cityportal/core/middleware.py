"""Response headers every public page needs: HTTP caching rules and the admin's own CSP."""

from django.conf import settings
from django.core.cache import cache
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_cache_control
from wagtail.models import Site

from .site_version import site_version

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
PAGE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


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


class CachedSiteMiddleware:
    """Look up the Wagtail Site for a host once per site version instead of once per request.

    Wagtail keeps the Site it finds on `request._wagtail_site`; filling that attribute from the
    shared cache saves the lookup query (about a fifth of a page's server time). The key carries the
    site version, which core.signals changes whenever a Site or a page is saved.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only Wagtail's pages (under a language prefix) need the Site; the API, health checks and
        # the admin don't pay for it.
        if request.path.split("/", 2)[1] in PAGE_LANGUAGES:
            key = f"cityportal:site:{site_version()}:{request._get_raw_host()}:{request.get_port()}"
            site = cache.get(key)
            if site is None:
                site = Site._find_for_request(request)  # Wagtail's own lookup (private, hence pinned)
                if site is not None:
                    site.root_page  # noqa: B018 - fetched now so the cached copy carries it
                    cache.set(key, site, timeout=600)
            request._wagtail_site = site
        return self.get_response(request)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware without its "404? try the language prefix" redirect outside the
    public pages.

    The page tree catches every /<lang>/… path, so Django would answer a mistyped admin or API
    address with a redirect to /zh-hans/admin/… and then the public 404 page; the admin and the API
    are never language-prefixed, so their 404 stays a 404.
    """

    UNPREFIXED = ("/admin/", "/api/", "/documents/", "/media/", "/static/", "/healthz")

    def process_response(self, request, response):
        if request.path_info.startswith(self.UNPREFIXED):
            return response
        return super().process_response(request, response)
