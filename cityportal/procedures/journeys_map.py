"""Which journeys contain which guides, worked out once per language and site version (ADR 006).

A guide that belongs to a journey shows it in a sidebar with "you are here". Working that out per
request would read every journey of the language; instead one pass over the language's live journeys
is cached under the site version, which changes whenever a journey or guide is published.
"""

from dataclasses import dataclass, replace

from django.core.cache import cache
from wagtail.models import Page

from cityportal.core.site_version import site_version

from .guide_links import chosen_ids


@dataclass(frozen=True)
class JourneyStepMark:
    number: int
    title: str
    guide_keys: frozenset[str]  # translation keys of the step's guides
    current: bool = False

    @property
    def anchor(self) -> str:
        return f"step-{self.number}"


@dataclass(frozen=True)
class JourneySummary:
    title: str
    url: str
    steps: tuple[JourneyStepMark, ...]

    def contains(self, guide_key: str) -> bool:
        return any(guide_key in step.guide_keys for step in self.steps)

    def seen_from(self, guide_key: str) -> "JourneySummary":
        """The journey with the steps that name this guide marked as where the visitor is."""
        steps = tuple(replace(step, current=guide_key in step.guide_keys) for step in self.steps)
        return replace(self, steps=steps)


def build_journeys(locale_id: int, request) -> list[JourneySummary]:
    """Every live journey of a language with its steps' guides as translation keys (two queries)."""
    from .models import JourneyPage

    journeys = list(
        JourneyPage.objects.live()
        .filter(locale_id=locale_id)
        .order_by("path")
        .only("id", "title", "path", "depth", "url_path", "locale_id", "steps")
    )
    raw_steps = {
        journey.pk: [step["value"] for step in journey.steps.raw_data if step.get("type") == "step"]
        for journey in journeys
    }
    ids = {
        page_id
        for steps in raw_steps.values()
        for step in steps
        for page_id in chosen_ids(step.get("procedures"))
    }
    keys = (
        {
            page_id: str(key)
            for page_id, key in Page.objects.filter(id__in=ids).values_list("id", "translation_key")
        }
        if ids
        else {}
    )
    return [
        JourneySummary(
            title=journey.title,
            url=journey.get_url(request) or "",
            steps=tuple(
                JourneyStepMark(
                    number=number,
                    title=step.get("title", ""),
                    guide_keys=frozenset(
                        keys[page_id] for page_id in chosen_ids(step.get("procedures")) if page_id in keys
                    ),
                )
                for number, step in enumerate(raw_steps[journey.pk], start=1)
            ),
        )
        for journey in journeys
    ]


def language_journeys(locale_id: int, request) -> list[JourneySummary]:
    if getattr(request, "is_preview", False):
        return build_journeys(locale_id, request)
    key = f"cityportal:journeys:{site_version()}:{locale_id}:{request.scheme}:{request.get_host()}"
    journeys = cache.get(key)
    if journeys is None:
        journeys = build_journeys(locale_id, request)
        cache.set(key, journeys, timeout=600)
    return journeys


def journeys_of_guide(guide, request) -> list[JourneySummary]:
    """The journeys that name this guide, each with its steps and where the guide sits in them."""
    guide_key = str(guide.translation_key)
    return [
        journey.seen_from(guide_key)
        for journey in language_journeys(guide.locale_id, request)
        if journey.contains(guide_key)
    ]
