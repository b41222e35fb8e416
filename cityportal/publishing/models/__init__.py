from .glossary import GlossaryTerm
from .status import TranslationStatus

__all__ = ["GlossaryTerm", "TranslationStatus"]
