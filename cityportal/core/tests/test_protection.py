"""Anonymous forms without cookies: same-origin check, honeypot, rate limits, proof-of-work (ADR 009).

The tests post to a small real form (tests/protection_urls.py) on the real cache: local memory on
SQLite runs, Redis when REDIS_URL is set.
"""

import base64
import json
import logging

import altcha
import pytest
from django.test import Client, override_settings

from cityportal.core import protection
from cityportal.core.checks import check_form_protection_switches
from cityportal.core.models import OutboundEmail
from cityportal.core.protection import Rate, RateLimit, Verdict
from cityportal.core.tests.test_healthz import CLOSED_PORT_REDIS
from cityportal.core.tests.test_production_settings import PERSONAL_DATA, STRONG_KEY, run_manage

URL = "/en/protection-test/ask/"
JS_ONLY_URL = "/en/protection-test/ask-js/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}

pytestmark = [
    pytest.mark.urls("cityportal.core.tests.protection_urls"),
    pytest.mark.usefixtures("portal"),
]


@pytest.fixture(autouse=True)
def quick_challenges(settings):
    settings.BOT_CHALLENGE_MAX_NUMBER = 2000  # the solver in these tests is Python


def answers(email="amira@example.org", **extra):
    return {"name": "Amira", "email": email, "question": "Where do I renew my visa?", **extra}


def solution() -> str:
    """What static/js/protection.js puts in the hidden field, solved here with the altcha package."""
    challenge = protection.create_challenge()
    solved = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    payload = {key: challenge[key] for key in ("algorithm", "challenge", "salt", "signature")}
    return encode({**payload, "number": solved.number})


def encode(payload: dict) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def post(client, data, url=URL, headers=SAME_ORIGIN, ip="203.0.113.7"):
    return client.post(url, data, headers=headers, REMOTE_ADDR=ip)


def written() -> int:
    return OutboundEmail.objects.filter(purpose="test-question").count()


# --- Same origin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/form"},
        {},
    ],
    ids=["fetch-cross-site", "fetch-same-site", "origin", "null-origin", "referer", "no-header"],
)
def test_a_cross_site_post_is_refused_and_nothing_is_written(client, headers):
    response = post(client, answers(), headers=headers)
    assert response.status_code == 403
    assert "This form was sent from another website" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert written() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver"},
        {"Referer": "http://testserver/en/protection-test/ask/"},
    ],
    ids=["fetch-metadata", "origin", "referer"],
)
def test_a_same_origin_post_is_accepted_without_any_cookie(headers):
    client = Client(enforce_csrf_checks=True)  # as a browser: Django's CSRF check is not what lets it in
    response = post(client, answers(), headers=headers)
    assert response.status_code == 200, response.content.decode()[:500]
    assert "Your reference is" in response.content.decode()
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert written() == 1


def test_the_empty_form_page_sets_no_cookie_and_is_cacheable(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies
    assert "public" in response["Cache-Control"]
    html = response.content.decode()
    assert 'name="website"' in html and 'aria-hidden="true"' in html
    assert "Leave this field empty" in html
    assert 'data-challenge-url="/form-challenge"' in html
    assert "csrfmiddlewaretoken" not in html


def test_a_logged_in_visitor_is_anonymous_to_the_form_and_still_checked(admin_client):
    assert post(admin_client, answers(), headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert post(admin_client, answers()).status_code == 200


def test_the_admin_keeps_djangos_csrf_protection(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "a", "password": "b"}, headers=SAME_ORIGIN)
    assert response.status_code == 403


# --- Validation, honeypot -------------------------------------------------------------------------


def test_bad_input_is_summarised_at_the_top_linked_to_each_field_and_writes_nothing(client):
    response = post(client, answers(email="not-an-address", question=""))
    html = response.content.decode()
    assert response.status_code == 200
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "There is a problem" in summary
    assert 'href="#id_email"' in summary and 'href="#id_question"' in summary
    assert 'aria-invalid="true"' in html
    assert written() == 0


def test_a_filled_honeypot_is_refused_and_nothing_is_written(client):
    response = post(client, answers(website="https://spam.example"))
    assert response.status_code == 400
    assert "We could not accept this form" in response.content.decode()
    assert written() == 0


# --- Rate limits ----------------------------------------------------------------------------------


def test_the_rate_limit_per_ip_refuses_the_fifth_submission_of_the_hour(client):
    for number in range(4):
        response = post(client, answers(email=f"person{number}@example.org", altcha=solution()))
        assert response.status_code == 200, number
    response = post(client, answers(email="person9@example.org", altcha=solution()))
    assert response.status_code == 429
    assert "This form has been sent too often" in response.content.decode()
    assert written() == 4
    assert post(client, answers(email="other@example.org"), ip="198.51.100.2").status_code == 200


def test_without_javascript_the_per_ip_limit_is_tighter(client):
    for number in range(2):
        assert post(client, answers(email=f"person{number}@example.org")).status_code == 200
    assert post(client, answers(email="person3@example.org")).status_code == 429
    assert written() == 2


def test_the_rate_limit_per_identifier_refuses_the_third_submission_from_any_address(client):
    for number in range(2):
        response = post(client, answers(email="Amira@Example.org "), ip=f"203.0.113.{number + 1}")
        assert response.status_code == 200
    response = post(client, answers(email="amira@example.org"), ip="203.0.113.99")
    assert response.status_code == 429
    assert written() == 2


def test_a_typo_costs_no_allowance(client):
    for _attempt in range(5):
        post(client, answers(email="typo"))
    assert post(client, answers()).status_code == 200


@override_settings(RATE_LIMITS=False)
def test_rate_limits_off_lets_every_submission_through(client):
    for _number in range(6):
        assert post(client, answers()).status_code == 200
    assert written() == 6


def test_ipv6_visitors_are_counted_per_64_network_and_proxies_are_honoured(rf, settings):
    request = rf.post("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert protection.client_ip(request) == "2001:db8:1:2::/64"
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.post("/", REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "1.2.3.4, 198.51.100.9"})
    assert protection.client_ip(request) == "198.51.100.9"


def test_rates_are_parsed_and_bad_ones_named():
    assert Rate.parse("5/h") == Rate(5, 3600)
    assert Rate.parse("10/15m") == Rate(10, 900)
    assert RateLimit("x", per_ip="5/h").rates["ip-without-challenge"] == Rate(2, 3600)
    with pytest.raises(ValueError, match="not like"):
        RateLimit("x", per_ip="5 per hour")


# --- The cache is down ----------------------------------------------------------------------------


@override_settings(CACHES=CLOSED_PORT_REDIS)
def test_without_cache_rate_limits_fail_open_and_log_an_error(client, caplog):
    with caplog.at_level(logging.ERROR, logger="cityportal.core.protection"):
        for _number in range(3):  # one more than the no-JavaScript limit
            assert post(client, answers()).status_code == 200
    assert written() == 3
    assert any("Rate limit test-question" in record.getMessage() for record in caplog.records)


def test_without_cache_a_challenge_fails_closed_with_a_clear_message(client, caplog):
    payload = solution()
    with override_settings(CACHES=CLOSED_PORT_REDIS), caplog.at_level(logging.ERROR):
        response = post(client, answers(altcha=payload))
    assert response.status_code == 503
    assert "This service is briefly unavailable, please try again in a few minutes." in (
        response.content.decode()
    )
    assert written() == 0
    assert any("replays cannot be detected" in record.getMessage() for record in caplog.records)


# --- The proof-of-work challenge ------------------------------------------------------------------


def test_the_challenge_endpoint_is_never_cached_and_sets_no_cookie(client):
    response = client.get("/form-challenge")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    challenge = response.json()
    assert challenge["algorithm"] == "SHA-256"
    assert challenge["maxNumber"] == 2000
    assert "expires=" in challenge["salt"]


def test_a_valid_solution_is_accepted_once_and_its_replay_refused(client):
    payload = solution()
    assert post(client, answers(altcha=payload)).status_code == 200
    replay = post(client, answers(email="second@example.org", altcha=payload))
    assert replay.status_code == 400
    assert "We could not accept this form" in replay.content.decode()
    assert written() == 1


def test_an_expired_solution_is_refused(client, settings):
    settings.BOT_CHALLENGE_TTL = -5
    response = post(client, answers(altcha=solution()))
    assert response.status_code == 400
    assert "has expired" in response.content.decode()
    assert written() == 0


def forged_payloads():
    real = json.loads(base64.b64decode(solution()))
    later = real["salt"].replace("expires=", "expires=9")  # stretch the expiry
    other_key = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(hmac_key="not-our-key", max_number=10, number=3, salt=real["salt"])
    )
    return {
        "wrong-number": encode({**real, "number": real["number"] + 1}),
        "stretched-expiry": encode({**real, "salt": later}),
        "bad-signature": encode({**real, "signature": "0" * 64}),
        "other-key": encode({**other_key.to_dict(), "number": 3}),
        "sha1": encode({**real, "algorithm": "SHA-1"}),
        "number-as-text": encode({**real, "number": str(real["number"])}),
        "list": encode([real]),
        "not-base64": "%%%",
        "not-json": base64.b64encode(b"{nope").decode(),
    }


def test_forged_or_malformed_solutions_are_refused(client):
    for name, payload in forged_payloads().items():
        assert protection.verify_solution(payload) is Verdict.INVALID, name
    assert post(client, answers(altcha=forged_payloads()["other-key"])).status_code == 400
    assert written() == 0


def test_a_form_that_requires_the_challenge_explains_itself_without_javascript(client):
    page = client.get(JS_ONLY_URL).content.decode()
    assert "<noscript>" in page
    response = post(client, answers(), url=JS_ONLY_URL)
    assert response.status_code == 400
    assert "This form needs JavaScript" in response.content.decode()
    assert post(client, answers(altcha=solution()), url=JS_ONLY_URL).status_code == 200


@override_settings(BOT_CHECKS=False)
def test_bot_checks_off_skips_honeypot_and_challenge_but_not_the_origin_check(client):
    assert post(client, answers(website="x"), url=JS_ONLY_URL).status_code == 200
    assert post(client, answers(website="x"), headers={"Origin": "https://evil.example"}).status_code == 403
    assert written() == 1


# --- Production switches --------------------------------------------------------------------------


def test_the_switches_are_errors_unless_benchmark_mode_is_on(settings):
    settings.RATE_LIMITS = settings.BOT_CHECKS = False
    assert [error.id for error in check_form_protection_switches()] == ["protection.E001", "protection.E002"]
    settings.BENCHMARK_MODE = True
    assert check_form_protection_switches() == []


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"RATE_LIMITS": "off"}, {"protection.E001"}),
        ({"BOT_CHECKS": "off"}, {"protection.E002"}),
        ({"RATE_LIMITS": "off", "BOT_CHECKS": "off", "BENCHMARK_MODE": "on"}, set()),
    ],
    ids=["rate-limits-off", "bot-checks-off", "benchmark-mode"],
)
def test_production_deploy_check_reports_switched_off_protection(environment, expected):
    result = run_manage(
        "check",
        "--deploy",
        SECRET_KEY=STRONG_KEY,
        **PERSONAL_DATA,
        EMAIL_URL="smtp+tls://mailer:pw@127.0.0.1:587",
        **environment,
    )
    reported = {code for code in ("protection.E001", "protection.E002") if code in result.stderr}
    assert reported == expected, result.stderr
    if expected:
        assert result.returncode != 0
        assert "BENCHMARK_MODE=on" in result.stderr
