"""The consultations app's models; each concern has its own module."""

from .faq import FAQEntry, FAQIndexPage, FAQVoteCount
from .questions import (
    DepartmentAssignment,
    InternalNote,
    Question,
    QuestionAttachment,
    QuestionStatus,
    Reply,
    ReplyTemplate,
)
from .settings import ConsultationSettings

__all__ = [
    "ConsultationSettings",
    "DepartmentAssignment",
    "FAQEntry",
    "FAQIndexPage",
    "FAQVoteCount",
    "InternalNote",
    "Question",
    "QuestionAttachment",
    "QuestionStatus",
    "Reply",
    "ReplyTemplate",
]
