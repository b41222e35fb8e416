"""The finder's matching rule, as a pure function: the visitor's answers in, the guides in order out.

Rules are checked in the order editors put them; a rule matches when every one of its conditions is
answered as it asks (a rule without conditions applies to everyone). The guides of the matching
rules are listed in that order, each once, with the reason of the first rule that named it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    conditions: tuple[tuple[str, str], ...]  # (question key, answer key)
    reason: str
    guide_ids: tuple[int, ...]


@dataclass(frozen=True)
class Recommendation:
    guide_id: int
    reason: str


def rule_matches(rule: Rule, answers: Mapping[str, str]) -> bool:
    return all(answers.get(question) == answer for question, answer in rule.conditions)


def recommend(rules: Sequence[Rule], answers: Mapping[str, str]) -> list[Recommendation]:
    seen: set[int] = set()
    recommendations = []
    for rule in rules:
        if not rule_matches(rule, answers):
            continue
        for guide_id in rule.guide_ids:
            if guide_id not in seen:
                seen.add(guide_id)
                recommendations.append(Recommendation(guide_id, rule.reason))
    return recommendations


def questions_needed(rules: Sequence[Rule], answers: Mapping[str, str]) -> set[str]:
    """Questions left unanswered that some rule asks about (the visitor may be missing guides)."""
    return {question for rule in rules for question, _answer in rule.conditions if question not in answers}
