"""Dates, numbers and money are written the visitor's way; times are Beijing time."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from cityportal.core.templatetags.core_tags import format_cny, format_date, format_datetime, format_number

# 2026-10-01 18:30 UTC is 2 October 02:30 in Beijing: the date itself changes.
LATE_EVENING_UTC = datetime(2026, 10, 1, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "October 2, 2026"),
        ("zh-hans", "2026年10月2日"),
        ("de", "2. Oktober 2026"),
        ("fr", "2 octobre 2026"),
        ("ja", "2026年10月2日"),
        ("ko", "2026년 10월 2일"),
        ("ru", "2 октября 2026\u202fг."),
    ],
)
def test_dates_follow_the_language_and_beijing_time(language, expected):
    with translation.override(language):
        assert format_date(LATE_EVENING_UTC) == expected


def test_arabic_dates_are_written_in_arabic():
    with translation.override("ar"):
        text = format_date(date(2026, 10, 2))
    assert "أكتوبر" in text


def test_times_are_shown_in_beijing_time_whatever_the_server_zone():
    with translation.override("en"):
        assert "2:30" in format_datetime(LATE_EVENING_UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1,234,567.5"),
        ("de", "1.234.567,5"),
        ("fr", "1\u202f234\u202f567,5"),
        ("zh-hans", "1,234,567.5"),
    ],
)
def test_numbers_follow_the_language(language, expected):
    with translation.override(language):
        assert format_number(Decimal("1234567.5")) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "CN¥400.00"), ("zh-hans", "¥400.00"), ("de", "400,00\xa0CN¥"), ("ja", "元400.00")],
)
def test_money_is_yuan_written_the_local_way(language, expected):
    with translation.override(language):
        assert format_cny(400) == expected
