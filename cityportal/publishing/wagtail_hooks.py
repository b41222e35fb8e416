"""Admin hooks of the publishing app: each module registers its own menu items and views."""

from . import glossary_admin, translation_report  # noqa: F401 - importing registers their hooks
