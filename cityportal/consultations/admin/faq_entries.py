"""The published FAQ entries, for supervisors to correct or unpublish."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import FAQEntry


class FAQEntryViewSet(SnippetViewSet):
    model = FAQEntry
    icon = "help"
    menu_label = _("FAQ entries")
    url_prefix = "questions/faq-entries"
    list_display = ["question", "section", "locale", "live", "published_at"]
    list_filter = ["section", "locale", "live"]
    search_fields = ["question", "answer"]
    form_fields = ["section", "question", "answer", "live"]
