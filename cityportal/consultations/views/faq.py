"""“Was this answer helpful?”: the vote under each FAQ answer.

The FAQ page is a cacheable Wagtail page without cookies, so each answer's small form posts here
(/<lang>/faq-vote/<entry id>/), protected as every anonymous form is (core.protection): same-origin
check, honeypot, and rate limits counted in the cache under a keyed hash of the address, never
stored. No proof-of-work (Challenge.OFF): a vote is not worth a bot's effort, and a page of fifty
answers should not solve fifty challenges. Nothing about the voter is kept: services.record_vote
adds one to the entry's counter of the month.

Without JavaScript the answer is a 303 back to the FAQ page (`?voted=<id>#faq-<id>`), which thanks
the visitor in place of the form; static/js/faq.js posts with fetch (Accept: application/json) and
gets the thanks as JSON.
"""

from django import forms
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityportal.core.protection import (
    Challenge,
    ProtectedFormMixin,
    RateLimit,
    client_ip,
    protected_form_view,
)

from ..models import FAQEntry, FAQIndexPage
from ..services import record_vote

YES, NO = "yes", "no"
VOTE_CONTEXT = "answer to: was this answer helpful?"  # as in templates/consultations/includes/faq_vote.html
ALL_SECTIONS, ONE_SECTION = "all", "section"


class VoteForm(ProtectedFormMixin, forms.Form):
    # Per address: 30 votes an hour in all; 3 an hour on one answer (people behind one office
    # address may agree). The identifier is the entry and the address together, hashed in the cache.
    rate_limit = RateLimit("faq-vote", per_ip="30/h", per_identifier="3/h")
    identifier_field = "voter"
    challenge = Challenge.OFF

    helpful = forms.ChoiceField(
        label=gettext_lazy("Was this answer helpful?"),
        choices=[(YES, pgettext_lazy(VOTE_CONTEXT, "Yes")), (NO, pgettext_lazy(VOTE_CONTEXT, "No"))],
    )
    # Which listing the vote came from, to return to it: all sections or the entry's own section.
    listing = forms.ChoiceField(
        choices=[(ALL_SECTIONS, ALL_SECTIONS), (ONE_SECTION, ONE_SECTION)],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, entry: FAQEntry, **kwargs):
        self.entry = entry
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        cleaned["voter"] = f"{self.entry.pk}|{client_ip(self.request)}"
        return cleaned


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@protected_form_view
@require_POST
def vote(request, entry_id):
    entry = FAQEntry.objects.filter(pk=entry_id, live=True, locale__language_code=get_language()).first()
    if entry is None:
        raise Http404  # unknown, unpublished, or another language's entry
    page = FAQIndexPage.objects.live().filter(locale_id=entry.locale_id).first()
    if page is None:
        raise Http404
    form = VoteForm(request.POST, request=request, entry=entry)
    if not form.is_valid():
        status = form.status_code if form.status_code >= 400 else 400
        errors = [str(error) for error in form.non_field_errors()] or [
            _("Choose “Yes” or “No” to say whether this answer helped you.")
        ]
        if wants_json(request):
            return JsonResponse({"message": " ".join(errors)}, status=status)
        return render(
            request,
            "consultations/includes/faq_vote_refused.html",
            {"errors": errors, "faq_url": page.get_url(request) + f"#faq-{entry.pk}"},
            status=status,
        )
    record_vote(entry, helpful=form.cleaned_data["helpful"] == YES)
    if wants_json(request):
        return JsonResponse({"message": thanks()})
    route = f"{entry.section}/" if form.cleaned_data["listing"] == ONE_SECTION else ""
    response = HttpResponseRedirect(f"{page.get_url(request)}{route}?voted={entry.pk}#faq-{entry.pk}")
    response.status_code = 303  # See Other: the browser fetches the page with GET
    return response


def thanks() -> str:
    return _("Thank you for your answer. It helps us improve our answers.")
