"""Test settings: SQLite by default; PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SMS_BACKEND = "cityportal.core.sms.RecordingSmsBackend"  # cityportal.core.sms.outbox, like mail.outbox
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": STORAGES["private"],  # noqa: F405 - tests point it at a temporary folder (private_storage fixture)
}
SEARCH_ENGINE_ALLOW_FAKE = True  # the `recording` search-engine notifier (publishing/search_engines.py)
MACHINE_TRANSLATION_ALLOW_FAKE = True  # the recording machine translator (machine_translation/recording.py)
