"""Production mode refuses the development secret key and passes Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

STRONG_KEY = secrets.token_urlsafe(64)
PERSONAL_DATA = {
    "PERSONAL_DATA_KEYS": "Jt0t0t0dMqF3lQmWc1Vn6Wl1rq2qkR2rX1g0b3Zy9yY=",
    "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
}


def run_manage(*args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "PERSONAL_DATA_KEYS",
            "BLIND_INDEX_KEY",
        }
    }
    env.update(DJANGO_SETTINGS_MODULE="cityportal.settings.production", ALLOWED_HOSTS="portal.example.org")
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_with_the_default_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr


@pytest.mark.parametrize(
    "database_url", ["", "postgres://postgres@127.0.0.1:5432/test"], ids=["sqlite", "postgresql"]
)
def test_production_passes_the_deployment_checks(database_url):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        **PERSONAL_DATA,
        EMAIL_URL="smtp+tls://mailer:pw@127.0.0.1:587",
        DATABASE_URL=database_url,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_a_real_mail_server_is_reported():
    result = run_manage("check", "--deploy", SECRET_KEY=STRONG_KEY, **PERSONAL_DATA)
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_production_refuses_to_start_without_keys_for_personal_data():
    result = run_manage("check", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS and BLIND_INDEX_KEY must be set" in result.stderr
