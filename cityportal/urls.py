from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve as serve_static_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cityportal.core import protection
from cityportal.core import views as core_views
from cityportal.core.sitemaps import PageSitemap

sitemaps = {"pages": PageSitemap}
public_cache = cache_control(
    public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE, s_maxage=settings.PUBLIC_PAGE_MAX_AGE
)

# Outside the language prefix: the admin, health checks, machine-readable files.
urlpatterns = [
    path("", core_views.language_redirect, name="language-redirect"),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/live", core_views.liveness, name="healthz-live"),
    path("api/v1/", include("cityportal.api.urls")),
    path("form-challenge", protection.challenge_view, name="form-challenge"),
    path("robots.txt", public_cache(core_views.robots_txt), name="robots-txt"),
    path(
        "sitemap.xml",
        public_cache(sitemap_views.index),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        public_cache(sitemap_views.sitemap),
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path("", include("cityportal.publishing.urls")),  # the IndexNow key file
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.SERVE_MEDIA:
    # The embedded default serves uploads itself; production serves them from nginx or the media store.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_static_file, {"document_root": settings.MEDIA_ROOT}),
    ]

# Public pages carry the language in the URL: /en/…, /ar/…, /zh-hans/…
urlpatterns += i18n_patterns(
    path("", include("cityportal.core.urls")),  # /<lang>/privacy/my-data/, before the page tree
    path("appointments/", include("cityportal.appointments.urls")),  # the booking pages
    path("alerts/", include("cityportal.news.urls")),  # email alerts: subscribe, confirm, unsubscribe
    path("", include("cityportal.consultations.urls")),  # /<lang>/ask/, its status page, FAQ votes
    path("search/", include("cityportal.search.urls")),  # results, suggestions (never HTTP-cached)
    path("", include("cityportal.news.feeds")),  # …/rss.xml and …/atom.xml, handed to the index pages
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler404 = "cityportal.core.views.page_not_found"
handler500 = "cityportal.core.views.server_error"
