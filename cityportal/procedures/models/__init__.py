"""The procedures app's models; each concern has its own module."""

from .audiences import Audience, AudienceTag
from .finder import FinderPage
from .guides import FeeKind, ProcedureIndexPage, ProcedurePage
from .journeys import JourneyIndexPage, JourneyPage
from .upkeep import LinkCheckResult, LinkProblem, ReviewReminder

__all__ = [
    "Audience",
    "AudienceTag",
    "FeeKind",
    "FinderPage",
    "JourneyIndexPage",
    "JourneyPage",
    "LinkCheckResult",
    "LinkProblem",
    "ProcedureIndexPage",
    "ProcedurePage",
    "ReviewReminder",
]
