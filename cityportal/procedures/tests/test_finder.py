"""The finder: answers in, the guides that apply out, in the editors' order, each once."""

import re

import pytest

from cityportal.procedures.finder_rules import Recommendation, Rule, questions_needed, recommend
from cityportal.procedures.tests.sample_guides import build_guides

WORK = Rule(conditions=(("purpose", "work"),), reason="You will work here.", guide_ids=(1, 2))
FAMILY = Rule(
    conditions=(("purpose", "work"), ("family", "yes")), reason="Your family comes too.", guide_ids=(2, 3)
)
EVERYONE = Rule(conditions=(), reason="Everyone registers.", guide_ids=(4,))


def test_matching_rules_list_their_guides_in_rule_order_each_once_with_the_first_reason():
    result = recommend([WORK, FAMILY], {"purpose": "work", "family": "yes"})
    assert result == [
        Recommendation(1, "You will work here."),
        Recommendation(2, "You will work here."),
        Recommendation(3, "Your family comes too."),
    ]


def test_a_rule_needs_every_condition():
    assert [r.guide_id for r in recommend([WORK, FAMILY], {"purpose": "work", "family": "no"})] == [1, 2]
    assert recommend([WORK, FAMILY], {"purpose": "study", "family": "yes"}) == []


def test_an_unanswered_question_makes_its_rules_not_match_and_is_reported():
    answers = {"purpose": "work"}
    assert [r.guide_id for r in recommend([FAMILY, WORK], answers)] == [1, 2]
    assert questions_needed([FAMILY, WORK], answers) == {"family"}


def test_a_rule_without_conditions_applies_to_everyone():
    assert [r.guide_id for r in recommend([EVERYONE, WORK], {})] == [4]


@pytest.fixture
def guides(portal):
    return build_guides(portal, ("en", "fr"))


def results(html: str) -> list[str]:
    match = re.search(r'<ol class="finder__list">(.*?)</ol>', html, re.S)
    return re.findall(r'<a href="([^"]+)">', match.group(1)) if match else []


def test_questions_are_radio_groups_in_fieldsets_and_no_list_before_answering(client, guides):
    html = client.get("/en/guides/finder/").content.decode()
    assert html.count("<fieldset") == 2 and html.count("<legend") == 2
    assert html.count('type="radio"') == 4
    assert '<form class="finder__form" method="get"' in html
    assert 'id="results"' not in html


def test_answers_give_the_guides_in_order_in_the_page_language(client, guides):
    html = client.get("/fr/guides/finder/?purpose=work&family=yes&answered=1").content.decode()
    assert results(html) == ["/fr/guides/work-permit/", "/fr/guides/residence-permit-work/"]
    assert 'value="work" checked' in html and 'value="yes" checked' in html
    assert "did not answer" not in html


def test_an_unanswered_question_gets_a_polite_note(client, guides):
    html = client.get("/en/guides/finder/?purpose=work&answered=1").content.decode()
    assert results(html) == ["/en/guides/work-permit/", "/en/guides/residence-permit-work/"]
    note = html[html.index("You did not answer every question") :]
    assert "问题 family" in note[: note.index("</div>")]


def test_an_unknown_answer_is_refused_with_a_message_and_the_rest_still_counts(client, guides):
    response = client.get("/en/guides/finder/?purpose=<b>space</b>&family=yes&answered=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "“&lt;b&gt;space&lt;/b&gt;” is not one of the answers to “问题 purpose”" in html
    assert 'role="alert"' in html
    assert results(html) == []  # the rules all need a purpose
    assert "No guide matches these answers." in html


def test_nothing_answered_lists_nothing_and_says_why(client, guides):
    html = client.get("/en/guides/finder/?answered=1").content.decode()
    assert results(html) == []
    assert "You did not answer every question" in html
