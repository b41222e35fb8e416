"""The synonym form: what an editor types is checked the way search will read it.

Search compares words after analysis (analysis.query_terms: stems, folded accents, Chinese
segments, bigrams), so two words that analyse alike ("permit" and "permits", "Visa" and "visa") are
one word to search: a group needs at least two *different* analysed words or phrases, and a group
whose words analyse exactly like another group of the same language is a duplicate.
"""

import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .. import analysis
from ..models import SearchSynonym

TERM_MAX_LENGTH = 100  # a synonym is a word or a short phrase, not a sentence


def term_list(text: str) -> list[str]:
    """The words and phrases of `text`, each once, in order: separated by commas or lines. NFKC
    first, so the full-width comma (，) of a Chinese keyboard separates like a comma; the model
    splits at the Arabic and ideographic commas (، 、)."""
    normalised = unicodedata.normalize("NFKC", text or "").replace("\r", "").replace("\n", ",")
    return list(dict.fromkeys(" ".join(term.split()) for term in SearchSynonym(terms=normalised).term_list()))


def analysed(term: str, language: str) -> tuple[str, ...]:
    """A word or phrase as search matches it (the same analysis services.synonym_groups applies)."""
    return tuple(analysis.query_terms(term, language))


def analysed_group(terms: list[str], language: str) -> frozenset[tuple[str, ...]]:
    return frozenset(phrase for phrase in (analysed(term, language) for term in terms) if phrase)


def group_problems(terms: list[str], language: str) -> list[str]:
    """Why these words cannot be a synonym group of `language` (none: they can), in the active
    language. The same rules for the admin form and the demo file."""
    problems = []
    for term in terms:
        if len(term) > TERM_MAX_LENGTH:
            problems.append(
                gettext("“%(term)s” is longer than %(limit)d characters: use a word or a short phrase.")
                % {"term": term[:30] + "…", "limit": TERM_MAX_LENGTH}
            )
        elif not analysed(term, language):
            problems.append(
                gettext("“%(term)s” has no letters or digits that search could match.") % {"term": term}
            )
    if not problems and len(analysed_group(terms, language)) < 2:
        problems.append(
            gettext(
                "Give at least two different words or phrases, separated by commas. Search reads "
                "words with the same stem (such as “permit” and “permits”) as one word."
            )
        )
    return problems


class SearchSynonymForm(WagtailAdminModelForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = SearchSynonym
        fields = ["language", "terms", "note"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned_data = super().clean()
        language = cleaned_data.get("language")
        if not language or not cleaned_data.get("terms"):
            return cleaned_data
        terms = term_list(cleaned_data["terms"])
        problems = group_problems(terms, language)
        if problems:
            self.add_error("terms", problems)
            return cleaned_data
        group = analysed_group(terms, language)
        others = SearchSynonym.objects.filter(language=language).exclude(pk=self.instance.pk)
        for other in others:
            if analysed_group(other.term_list(), language) == group:
                self.add_error(
                    "terms",
                    gettext("This language already has the same synonyms: “%(terms)s”.")
                    % {"terms": other.terms},
                )
                return cleaned_data
        # Stored in one spelling ("a, b, c"), which search and the listing read the same way.
        cleaned_data["terms"] = ", ".join(terms)
        return cleaned_data
