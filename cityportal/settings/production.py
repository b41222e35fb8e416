"""Production: PostgreSQL (DATABASE_URL), Redis (REDIS_URL), real secrets, hashed static files."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEFAULT_SECRET_KEY, SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)

if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development default or shorter than 50 characters. Set SECRET_KEY in the "
        "environment to a long random value, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

if not env.list("PERSONAL_DATA_KEYS", default=[]) or len(env.str("BLIND_INDEX_KEY", default="")) < 32:
    raise ImproperlyConfigured(
        "PERSONAL_DATA_KEYS and BLIND_INDEX_KEY must be set: document numbers are encrypted at rest. "
        "Make a key with "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' "
        "and a blind-index key with python -c 'import secrets; print(secrets.token_urlsafe(48))' "
        "(docs/environment.md)."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": STORAGES["private"],  # noqa: F405 - question attachments, outside MEDIA_ROOT (base.py)
}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Production serves the hashed, compressed files collectstatic wrote.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=False)
WHITENOISE_AUTOREFRESH = False
