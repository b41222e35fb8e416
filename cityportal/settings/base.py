"""Settings shared by every environment.

Every environment variable the portal reads is read here or in production.py, and documented in
docs/environment.md.
"""

from datetime import timedelta
from pathlib import Path

import environ

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# A development-only key. production.py refuses to start with it.
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-cityportal-development-key-never-use-in-production"  # noqa: S105 - refused in production
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
# Sensitive personal data (document numbers) is encrypted under these keys (core/crypto.py): the
# first encrypts, all decrypt. Outside production they default to keys derived from SECRET_KEY.
PERSONAL_DATA_KEYS = env.list("PERSONAL_DATA_KEYS", default=[])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # translated columns for offices and departments; must precede the apps it patches
    "cityportal.core",
    "cityportal.home",
    "cityportal.procedures",
    "cityportal.appointments",
    "cityportal.news",
    "cityportal.consultations",
    "cityportal.publishing",
    "cityportal.search",
    "cityportal.api",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",  # editors' promoted results for chosen queries
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # the API framework: its Swagger UI templates and static files, served locally
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cityportal.core.middleware.PublicCacheControlMiddleware",
    "cityportal.core.middleware.CachedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cityportal.core.middleware.PortalLocaleMiddleware",  # Django's, minus its admin/API 404 redirect
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cityportal.core.middleware.AdminContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cityportal.urls"
WSGI_APPLICATION = "cityportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite in WAL mode is the embedded default; DATABASE_URL selects PostgreSQL in production.
SQLITE_PATH = env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
SQLITE_OPTIONS = {
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing half-way through a transaction.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")  # Wagtail's search needs it there (postgres.E005)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------------------------
# Django's tasks framework with the database backend: the queue is a table in the database above
# (SQLite or PostgreSQL), run by `manage.py db_worker` (`make run` starts one). ADR 007.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Cache and sessions ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cityportal",
            "OPTIONS": {
                # A Redis outage must not take pages down: cache errors are logged, not raised.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cityportal",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Languages ------------------------------------------------------------------------------------
# Simplified Chinese is the source language editors write in; the eight others are translations.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("ko", "한국어"),
    ("ja", "日本語"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("ar", "العربية"),
]
# Visitors whose browser asks for no language we have get English, the portal's lingua franca.
FALLBACK_LANGUAGE_CODE = "en"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# "Translate this page" makes drafts: a translation goes live only through its language's reviewer
# (docs/editorial-workflow.md), never straight away still holding the Chinese text.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Language-neutral records (offices, departments) keep their texts in one column per language
# (core/translation.py); an empty translation reads as English, then as the Chinese source.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans"), "en": ("zh-hans",), "zh-hans": ("en",)}
MODELTRANSLATION_AUTO_POPULATE = False
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC, always shown in Beijing time whatever the server's zone.
TIME_ZONE = "Asia/Shanghai"

# --- Static files and media -----------------------------------------------------------------------
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
# Let Django serve uploaded files (the embedded default); production leaves it to nginx or the store.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
# Files only staff may read (question attachments): outside MEDIA_ROOT, never served by a URL of their own.
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Documents a visitor may attach to a question (images or PDF, checked by content): how many, how large.
# The reverse proxy's request size limit must allow them (client_max_body_size 20m on /<lang>/ask/).
CONSULTATION_ATTACHMENT_MAX_FILES = env.int("CONSULTATION_ATTACHMENT_MAX_FILES", default=3)
CONSULTATION_ATTACHMENT_MAX_BYTES = env.int("CONSULTATION_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587, selects SMTP in production; the
# embedded default writes each message to a file under var/mail/.
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST", ""),
                "port": _email.get("EMAIL_PORT"),
                "username": _email.get("EMAIL_HOST_USER", ""),
                "password": _email.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(BASE_DIR / "var" / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Beijing International (sample) <noreply@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outgoing email is queued and sent by a task (core/services/messaging.py): a failed send is retried
# after 1, 2, 4, 8… minutes (at most an hour apart) and marked failed after EMAIL_MAX_ATTEMPTS.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_BASE_DELAY = 60  # seconds
EMAIL_RETRY_MAX_DELAY = 3600  # seconds
# SMS: a dotted path to a core.sms.SmsBackend. The default writes messages to the console.
SMS_BACKEND = env.str("SMS_BACKEND", default="cityportal.core.sms.ConsoleSmsBackend")

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "cityportal"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# "default" serves the admin's search (Wagtail's database backend); "portal" is the public search in nine
# languages (cityportal/search, docs/search.md). Saving an indexed object updates both.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
    "portal": {"BACKEND": "cityportal.search.backend"},
}
# Slugs stay ASCII so links shared in WeChat never show %-encoded Chinese.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No avatars from gravatar.com: the admin must not call a foreign service (nor send hashes of staff emails).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILREDIRECTS_AUTO_CREATE = True
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# HEIC (phone photos) is accepted and stored as JPEG; originals lose their EXIF on upload
# (core.images, ADR 012).
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "heic", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False  # The portal reaches no external service.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS = []  # No embeds from foreign services (blocked or unreliable in mainland China).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- HTTP caching and security headers ------------------------------------------------------------
# Anonymous pages may be kept by an HTTP cache in front of the portal for this many seconds.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Public pages: only our own origin, no inline script or style and no nonce (pages are cached and
# shared). The Wagtail admin carries a looser policy (see core.middleware.AdminContentSecurityPolicy).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# --- Anonymous form protection (core.protection, ADR 009) -----------------------------------------
# Switches for load benchmarks only: `check --deploy` reports an error when either is off unless
# BENCHMARK_MODE is on too. The same-origin check cannot be switched off.
RATE_LIMITS = env.bool("RATE_LIMITS", default=True)
BOT_CHECKS = env.bool("BOT_CHECKS", default=True)  # honeypot and proof-of-work
BENCHMARK_MODE = env.bool("BENCHMARK_MODE", default=False)
# Proxies in front of the portal that each append to X-Forwarded-For; 0: REMOTE_ADDR is the visitor.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Proof-of-work: a browser tries on average half this many SHA-256 hashes (well under a second on a
# phone); a challenge can be used once, within this many seconds.
BOT_CHALLENGE_MAX_NUMBER = 50_000
BOT_CHALLENGE_TTL = 20 * 60

# --- Privacy: retention periods and the security log (docs/privacy.md, ADR 011) ---------------------
# How long each class of personal data is kept; the daily job `purge-expired-personal-data` deletes or
# anonymises what is older. Each period can be overridden with RETENTION_<CLASS>_DAYS. The privacy
# notice (home/demo/pages/privacy.toml) states these periods: change both together.
RETENTION_DEFAULT_DAYS = {
    "bookings": 180,  # after the appointment date
    "questions": 730,  # after the question was sent
    "question_attachments": 90,  # after the question was sent: documents are needed only to answer it
    "feedback_text": 365,
    "zero_result_searches": 365,  # after the query was last searched (masked: no digits, no emails)
    "email_subscriptions": 30,  # after unsubscribing, or after an unconfirmed sign-up
    "alert_requests": 7,  # email alert sign-ups never confirmed (confirmed ones go when unsubscribed)
    "wechat_followers": 30,  # after unfollowing
    "analytics_aggregates": 730,  # totals only; no personal data, kept for comparisons
    "outbound_emails": 90,  # sent or failed emails, after sending
    # The Cybersecurity Law (art. 21) asks for network logs to be kept no less than six months; six
    # calendar months can be 184 days, so this is a minimum, not a maximum (checked: core.E101).
    "security_logs": 184,
}
RETENTION = {
    data_class: timedelta(days=env.int(f"RETENTION_{data_class.upper()}_DAYS", default=days))
    for data_class, days in RETENTION_DEFAULT_DAYS.items()
}
# Security and access events (admin logins, data requests, purges) as JSON lines, one file per UTC
# day, mode 0640, apart from any analytics. These logs may hold IP addresses; analytics never do.
SECURITY_LOG_DIR = env.str("SECURITY_LOG_DIR", default=str(BASE_DIR / "var" / "log"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"security_json": {"()": "cityportal.core.security_log.JsonLinesFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security_file": {
            "class": "cityportal.core.security_log.DailyFileHandler",
            "formatter": "security_json",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django_redis": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # The task worker logs each task's progress itself; not propagating avoids printing it twice.
        "django.tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Never propagated to the root logger, so security events stay out of other logs.
        "security": {"handlers": ["security_file"], "level": "INFO", "propagate": False},
    },
}

# WhiteNoise serves static files in every mode; without a collectstatic run (make run, tests) it
# reads them from the app folders.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

WAGTAILDOCS_DOCUMENT_MODEL = "core.PortalDocument"

# --- HTTP cache in front of the portal ------------------------------------------------------------
# An HTTP cache that accepts PURGE requests (Varnish, or nginx with a purge module), e.g.
# http://127.0.0.1:6081: each publish purges there the addresses it changes (publishing/purge.py,
# docs/caching-and-search-engines.md). Empty (the default): nothing is purged; cached pages expire
# after PUBLIC_PAGE_MAX_AGE. A CDN's backend (Cloudflare, CloudFront…) can be set in WAGTAILFRONTENDCACHE.
FRONTEND_CACHE_URL = env.str("FRONTEND_CACHE_URL", default="")
WAGTAILFRONTENDCACHE = {}
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": FRONTEND_CACHE_URL,
    }
# purge.py names each language's own addresses; without this Wagtail would repeat every address
# under all nine language prefixes.
WAGTAILFRONTENDCACHE_LANGUAGES = []
# Wagtail's frontend cache app without its receivers that purge a published page alone: purge.py
# purges that page with everything else the publish changes, in one batch (publishing/frontend_cache.py).
INSTALLED_APPS[INSTALLED_APPS.index("wagtail.contrib.frontend_cache")] = (
    "cityportal.publishing.frontend_cache.FrontendCacheBackendsConfig"
)

# --- Search engines -------------------------------------------------------------------------------
# Tell search engines about published and unpublished pages, from a background task
# (publishing/search_engines.py): a comma list of `baidu`, `indexnow`. Empty (the default): none, the
# portal reaches no external service.
SEARCH_ENGINE_NOTIFIERS = env.list("SEARCH_ENGINE_NOTIFIERS", default=[])
SEARCH_ENGINE_ALLOW_FAKE = False  # the `recording` notifier; True in settings/test.py only
# Baidu's link submission API (普通收录, API推送): the verified site and the token from
# ziyuan.baidu.com.
BAIDU_PUSH_SITE = env.str("BAIDU_PUSH_SITE", default="")
BAIDU_PUSH_TOKEN = env.str("BAIDU_PUSH_TOKEN", default="")
BAIDU_PUSH_ENDPOINT = env.str("BAIDU_PUSH_ENDPOINT", default="http://data.zz.baidu.com/urls")
# IndexNow (Bing, Yandex, Naver, Seznam…): a key of 8-128 letters, digits or dashes, served at
# /<key>.txt.
INDEXNOW_KEY = env.str("INDEXNOW_KEY", default="")
INDEXNOW_ENDPOINT = env.str("INDEXNOW_ENDPOINT", default="https://api.indexnow.org/indexnow")

# --- Machine translation --------------------------------------------------------------------------
# The translation editor's "Machine translate" button, with self-hosted engines only (questions to the
# consultation desk hold personal data): "libretranslate" (a LibreTranslate server you run, at
# LIBRETRANSLATE_URL) or "argos" (Argos Translate models installed on this machine). Empty (the
# default): no machine translation. docs/glossary-and-machine-translation.md; checked by publishing.E001-4.
MACHINE_TRANSLATION_BACKENDS = {
    "libretranslate": "cityportal.publishing.machine_translation.libretranslate.LibreTranslateTranslator",
    "argos": "cityportal.publishing.machine_translation.argos.ArgosTranslator",
}
MACHINE_TRANSLATION = env.str("MACHINE_TRANSLATION", default="").strip().lower()
MACHINE_TRANSLATION_ALLOW_FAKE = False  # the recording fake; True in settings/test.py only
if MACHINE_TRANSLATION:
    if MACHINE_TRANSLATION not in MACHINE_TRANSLATION_BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"MACHINE_TRANSLATION={MACHINE_TRANSLATION!r}: use libretranslate, argos or leave it empty."
        )
    # wagtail-localize's setting (its name has no underscore between WAGTAIL and LOCALIZE).
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": MACHINE_TRANSLATION_BACKENDS[MACHINE_TRANSLATION],
        "OPTIONS": {
            "URL": env.str("LIBRETRANSLATE_URL", default=""),
            "API_KEY": env.str("LIBRETRANSLATE_API_KEY", default=""),
            # Seconds per request to the engine; keep the whole click under gunicorn's --timeout (30 s).
            "TIMEOUT": env.float("MACHINE_TRANSLATION_TIMEOUT", default=20),
        },
    }
