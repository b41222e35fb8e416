"""Public addresses of the questions area, under the language prefix (/<lang>/ask/, …)."""

from django.urls import path

from .views import ask, faq, status

urlpatterns = [
    path("ask/", ask.ask_question, name="ask-question"),
    path("ask/status/", status.question_status, name="question-status"),
    # Votes post here (the FAQ page is a Wagtail page, which cannot be exempted from CSRF per page).
    path("faq-vote/<int:entry_id>/", faq.vote, name="faq-vote"),
]
