"""The "your data" page, /<lang>/privacy/my-data/: see or delete your personal data by reference and
email address (PIPL art. 44-47). No session, no cookie, no JavaScript needed; the form is protected by
core.protection (same-origin check, honeypot, proof-of-work when JavaScript runs, rate limits).

Every step is a POST of the same form: `view` and `delete` look the data up (delete then asks for
confirmation), `export` downloads a JSON copy, `erase` deletes. A wrong email address and an unknown
reference get the same answer, so the page never tells whether a reference exists.
"""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from wagtail.models import Page, Site

from .forms import DataRequestForm
from .navigation import Crumb, view_language_versions
from .protection import protected_form_view
from .services import privacy


def breadcrumbs(request) -> list[Crumb]:
    """Home, and the privacy notice when the site has a page with the slug "privacy"."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    home = site.root_page.localized
    crumbs = [Crumb(home.title, home.get_url(request))]
    notice = Page.objects.live().child_of(home).filter(slug="privacy").first()
    if notice is not None:
        crumbs.append(Crumb(notice.title, notice.get_url(request)))
    return crumbs


@protected_form_view
def my_data(request):
    context = {
        "versions": view_language_versions(request, "privacy-my-data"),
        "crumbs": breadcrumbs(request),
        "step": "ask",
    }
    if request.method != "POST":
        context["form"] = DataRequestForm(request=request)
        return render(request, "core/my_data.html", context)

    form = DataRequestForm(request.POST, request=request)
    context["form"] = form
    if not form.is_valid():
        return render(request, "core/my_data.html", context, status=form.status_code)

    reference, email, action = (form.cleaned_data[name] for name in ("reference", "email", "action"))
    context.update(reference=reference, email=email)
    if action == DataRequestForm.EXPORT:
        copy = privacy.export_personal_data(reference, email, request=request)
        if copy:
            return json_copy(reference, copy)
        context["step"] = "not-found"
    elif action == DataRequestForm.ERASE:
        outcomes = privacy.erase_personal_data(reference, email, request=request)
        context.update(step="erased" if outcomes else "not-found", outcomes=outcomes)
    else:
        event = "data_request.viewed" if action == DataRequestForm.VIEW else "data_request.erasure_asked"
        records = privacy.find_personal_data(reference, email, request=request, event=event)
        if not records:
            context["step"] = "not-found"
        else:
            context.update(step="confirm" if action == DataRequestForm.DELETE else "found", records=records)
    if context["step"] == "not-found":
        # A fresh, empty form: the visitor checks both values and tries again.
        context["form"] = DataRequestForm(request=request, initial={"reference": reference})
    return render(request, "core/my_data.html", context)


def json_copy(reference: str, copy: dict) -> HttpResponse:
    document = {"reference": reference, "exported_at": timezone.now().isoformat(), "data": copy}
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="my-data-{reference}.json"'
    return response
