"""Test settings plus the test-only form of protection_urls, for the browser test's server process."""

from cityportal.settings.test import *  # noqa: F403

ROOT_URLCONF = "cityportal.core.tests.protection_urls"
BOT_CHALLENGE_MAX_NUMBER = 20_000
