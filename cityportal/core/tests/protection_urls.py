"""A small real consumer of core.protection, for the tests only (ROOT_URLCONF in test_protection).

Later forms copy this shape: a form with ProtectedFormMixin, a view with @protected_form_view, the
error summary and protection fields in the template, the write only after is_valid().
"""

from django import forms
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from cityportal import urls as portal_urls
from cityportal.core.models import OutboundEmail
from cityportal.core.protection import Challenge, ProtectedFormMixin, RateLimit, protected_form_view


class QuestionForm(ProtectedFormMixin, forms.Form):
    rate_limit = RateLimit("test-question", per_ip="4/h", per_identifier="2/h")
    identifier_field = "email"

    name = forms.CharField(label="Your name", max_length=100)
    email = forms.EmailField(label="Email address", help_text="We answer to this address.")
    question = forms.CharField(label="Your question", widget=forms.Textarea, max_length=2000)


class JavaScriptOnlyQuestionForm(QuestionForm):
    challenge = Challenge.REQUIRE


FORM_PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Ask a question{% endblock %}
{% block content %}
<h1>Ask a question</h1>
{% if reference %}<p class="sent">Thank you. Your reference is {{ reference }}.</p>{% else %}
{% include "includes/form_errors.html" %}
<form method="post" action="" novalidate>
  {% include "includes/form_field.html" with field=form.name %}
  {% include "includes/form_field.html" with field=form.email %}
  {% include "includes/form_field.html" with field=form.question %}
  {% include "includes/protection_fields.html" %}
  <button type="submit">Send</button>
</form>{% endif %}
{% endblock %}"""
)


def ask(request, form_class):
    if request.method == "POST":
        form = form_class(request.POST, request=request)
        if form.is_valid():
            sent = OutboundEmail.objects.create(
                to=["webteam@example.org"],
                subject=f"Question from {form.cleaned_data['name']}",
                body_text=form.cleaned_data["question"],
                purpose="test-question",
            )
            return render_page(request, {"reference": sent.pk})
        return render_page(request, {"form": form}, status=form.status_code)
    return render_page(request, {"form": form_class(request=request)})


def render_page(request, context, status=200):
    return HttpResponse(FORM_PAGE.render(context, request), status=status)


@protected_form_view
def ask_question(request):
    return ask(request, QuestionForm)


@protected_form_view
def ask_question_with_javascript(request):
    return ask(request, JavaScriptOnlyQuestionForm)


urlpatterns = [
    *i18n_patterns(
        path("protection-test/ask/", ask_question, name="test-ask"),
        path("protection-test/ask-js/", ask_question_with_javascript, name="test-ask-js"),
        prefix_default_language=True,
    ),
    *portal_urls.urlpatterns,
]
handler404 = portal_urls.handler404
handler500 = portal_urls.handler500
