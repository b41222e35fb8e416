"""Emails to the visitor, in the question's language: the acknowledgement and each reply.

(First version: plain text. The public-side work gives them templates, HTML and the status link.)
"""

from django.utils import translation
from django.utils.translation import gettext

from cityportal.core.models import OutboundEmail
from cityportal.core.services.messaging import queue_email

from .models import Question, Reply


def send_acknowledgement(question: Question) -> OutboundEmail:
    with translation.override(question.language):
        subject = gettext("We have received your question %(reference)s") % {"reference": question.reference}
        return queue_email(
            question.email, subject, question.text, language=question.language, purpose="question-received"
        )


def send_reply(reply: Reply) -> OutboundEmail:
    question = reply.question
    with translation.override(question.language):
        subject = gettext("Answer to your question %(reference)s") % {"reference": question.reference}
        return queue_email(
            question.email, subject, reply.text, language=question.language, purpose="question-answer"
        )
