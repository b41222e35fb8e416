"""What `personal_data.find_personal_data` finds in a text about to be published to the FAQ, and the
ordinary text of an answer (dates, fees, hours, hotlines) it must leave alone.

The tests marked xfail(strict) are known mistakes of the patterns, reported to the lead with the fix:
each fails today and passes once the fix is in (strict: the marker must then be removed).
"""

import pytest

from ..personal_data import find_personal_data


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to alex.doe@example.org for details.", [("email", "alex.doe@example.org")]),
        ("alex (at) example.org", [("email", "alex (at) example.org")]),
        ("minji＠example.org", [("email", "minji＠example.org")]),
        ("Call +86 138 0013 8000 today.", [("phone", "+86 138 0013 8000")]),
        ("手机：138-0013-8000", [("phone", "138-0013-8000")]),
        ("电话13800138000", [("phone", "13800138000")]),
        ("Tel: (010) 6540 1234", [("phone", "(010) 6540 1234")]),
        ("＋８６ １３８００１３８０００", [("phone", "＋８６ １３８００１３８０００")]),  # full-width digits
        ("tel. 8 (495) 123-45-67", [("phone", "8 (495) 123-45-67")]),
        ("My passport E12345678 expires.", [("id", "E12345678")]),
        ("护照号码E12345678", [("id", "E12345678")]),
        ("permit no. ABC1234567", [("id", "ABC1234567")]),
        ("visa Z 12345678", [("id", "Z 12345678")]),
        ("身份证号110101199003074516", [("id", "110101199003074516")]),
        ("ID 11010519491231002x", [("id", "11010519491231002x")]),
    ],
)
def test_personal_data_is_found(text, expected):
    assert found(text) == expected


def test_several_findings_come_in_the_order_they_appear():
    text = "Passport E12345678, phone 13800138000, mail a.b@example.org."
    assert found(text) == [("id", "E12345678"), ("phone", "13800138000"), ("email", "a.b@example.org")]


def test_the_finding_quotes_the_text_as_written_and_names_what_it_is():
    (finding,) = find_personal_data("致电１３８００１３８０００")
    assert finding.text == "１３８００１３８０００" and finding.label == "a phone number"


@pytest.mark.parametrize(
    "text",
    [
        "The fee is 400 yuan (RMB 1,000,000 for companies).",
        "Register within 24 hours of arrival.",
        "Call the 12345 hotline or the 12367 immigration line.",
        "Open from 9:00 to 17:00, Monday to Friday.",
        "Closed on 2026-10-01 and 2026.10.08; open again between 2026/10/09 and 2026-10-10.",
        "2026年10月1日起施行。",
        "Room 1203, Building 5, postcode 100020.",
        "Bring two photos of 33 mm × 48 mm and form A1.",
        "Valid for 180 days; ISO 8601 dates.",
        "Article 2019 of the law.",
        "CNY 12,000 a year.",
    ],
)
def test_ordinary_answers_are_left_alone(text):
    assert found(text) == []


# --- Known mistakes (reported to the lead, with the fix) --------------------------------------


def test_day_first_dates_are_not_phone_numbers():
    assert found("Am 01.10.2026 geschlossen. Закрыто 01.10.2026.") == []


def test_a_date_and_time_is_not_a_phone_number():
    assert found("Opens on 2026-10-01 09:00.") == []


def test_amounts_grouped_with_spaces_are_not_phone_numbers():
    assert found("Le capital minimum est de 1 000 000 yuans ; 1\u00a0500\u00a0000 ₽.") == []


def test_the_old_permanent_residence_card_number_is_found():
    assert found("Card USA110079060102") == [("id", "USA110079060102")]


def test_an_email_address_after_chinese_text_is_quoted_alone():
    assert found("邮箱alex@example.org") == [("email", "alex@example.org")]
