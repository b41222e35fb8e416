"""Shared models. Each concern has its own module; import them from here."""

from .pages import ASCII_SLUG, PortalPage
from .settings import PortalSettings

__all__ = ["ASCII_SLUG", "PortalPage", "PortalSettings"]
