"""The status of a question, /<lang>/ask/status/: reference and email address in, question out.

GET shows the form; POST (a protected form, rate-limited per IP and per reference) shows the
question, its status in words, when it arrived, when an answer is due and every reply, oldest
first. A wrong reference and a wrong email address get the same answer, so the page never tells
whether a reference exists. Staff's internal notes and names never appear. Nothing here is ever
kept by a cache (`Cache-Control: private, no-store`).

An anonymised question has no email address left to compare: given its reference, the page says its
data was deleted, and shows nothing else. That tells only that the reference existed, which whoever
holds a 50-bit random reference knows already.
"""

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from cityportal.core.protection import protected_form_view

from ..forms import StatusForm
from .ask import home_crumb, language_versions


@require_http_methods(["GET", "HEAD", "POST"])
@protected_form_view
def question_status(request):
    context = {"crumbs": [home_crumb()], "language": get_language()}
    status = 200
    if request.method == "POST":
        form = StatusForm(request.POST, request=request)
        if form.is_valid():
            question = form.find_question()
            if question is None:
                context["not_found"] = True
                form = StatusForm(request=request, initial={"reference": form.cleaned_data["reference"]})
            else:
                context["question"] = question
                context["replies"] = [reply for reply in question.replies.all() if reply.text]
        else:
            status = form.status_code
    else:
        form = StatusForm(request=request)
        context["versions"] = language_versions(request, "question-status")
    context["form"] = form
    response = render(request, "consultations/status.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response
