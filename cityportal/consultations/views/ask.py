"""“Ask a question”, /<lang>/ask/: the form, and the page that gives the reference once it is sent.

The form is an anonymous, protected form (core.protection): GET shows it (cacheable: it holds no
personal data; the proof-of-work challenge is fetched by script), POST checks it and, only when
everything is valid, calls services.submit_question, then answers with the reference page itself
(status 200, no redirect, never cached), which tells what happens next. `?procedure=<id>` opens the
form about a guide of the page's language (from the guide's “Ask a question about this procedure”).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Page, Site

from cityportal.core.navigation import Crumb, LanguageVersion, view_language_versions
from cityportal.core.protection import protected_form_view
from cityportal.procedures.models import ProcedurePage

from .. import attachments
from ..forms import QuestionForm, find_guide
from ..services import submit_question

# --- What the public question pages share -----------------------------------------------------------


def home_crumb() -> Crumb:
    return Crumb(_("Home"), f"/{get_language()}/")


def privacy_notice_url(request) -> str:
    """The privacy notice of the page's language (a page with the slug “privacy” under the home
    page, as core.data_request_views finds it); "" when the site has none."""
    site = Site.find_for_request(request)
    if site is None:
        return ""
    home = site.root_page.localized
    notice = Page.objects.live().child_of(home).filter(slug="privacy").first()
    return notice.get_url(request) if notice is not None else ""


def language_versions(request, url_name: str, queries: dict[str, str] | None = None) -> list[LanguageVersion]:
    """The same page in every language; `queries` maps a language to the query string it needs."""
    return view_language_versions(request, url_name, queries=queries)


def guide_queries(guide: ProcedurePage | None) -> dict[str, str]:
    """`procedure=<id>` of the guide's live translation in each language that has one."""
    if guide is None:
        return {}
    translations = (
        ProcedurePage.objects.live()
        .public()
        .filter(translation_key=guide.translation_key)
        .values_list("locale__language_code", "pk")
    )
    return {language: f"procedure={pk}" for language, pk in translations}


# --- The view -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@protected_form_view
def ask_question(request):
    language = get_language()
    if request.method == "POST":
        form = QuestionForm(request.POST, request.FILES, request=request, language=language)
        if form.is_valid():
            data = form.cleaned_data
            question = submit_question(
                language=language,
                section=data["section"],
                procedure=data["procedure"],
                text=data["question"],
                email=data["email"],
                name=data["name"],
                attachments=data["attachments"],
                attachments_consent=bool(data["attachments_consent"]),
            )
            return render(
                request,
                "consultations/sent.html",
                {
                    "question": question,
                    "attachment_count": len(data["attachments"]),
                    "retention_days": settings.RETENTION["question_attachments"].days,
                    "crumbs": [home_crumb()],
                },
            )
        return render_form(request, form, status=form.status_code)

    requested = request.GET.get("procedure")
    guide = find_guide(requested, language) if requested else None
    form = QuestionForm(request=request, language=language, guide=guide)
    return render_form(
        request,
        form,
        guide_missing=bool(requested) and guide is None,
        versions=language_versions(request, "ask-question", guide_queries(guide)),
    )


def render_form(request, form: QuestionForm, *, status: int = 200, **context):
    return render(
        request,
        "consultations/ask.html",
        {
            "form": form,
            "crumbs": [home_crumb()],
            "privacy_url": privacy_notice_url(request),
            "max_files": attachments.max_files(),
            "retention_days": settings.RETENTION["question_attachments"].days,
            **context,
        },
        status=status,
    )
