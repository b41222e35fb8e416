"""The published FAQ entries, for supervisors to correct or unpublish.

Entries are made from a question ("Publish to the FAQ", admin/question.py), which checks the public
text for personal data; corrections here are checked the same way, so an edit cannot bring back an
email address, a phone number or an ID-like number. The listing and the form show the public text
only: never the question it came from (its sender, email or words). Saving refreshes the FAQ pages
at once (signals.py).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import FAQEntry
from ..services import FAQText, personal_data_problems


class FAQEntryForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        question, answer = cleaned.get("question"), cleaned.get("answer")
        if question and answer:
            language = self.instance.locale.language_code if self.instance.locale_id else ""
            problems = personal_data_problems({language: FAQText(question, answer)}) if language else []
            if problems:
                raise ValidationError(problems, code="personal_data")
        return cleaned


class FAQEntryViewSet(SnippetViewSet):
    model = FAQEntry
    icon = "help"
    menu_label = _("FAQ entries")
    url_prefix = "questions/faq-entries"
    list_display = [
        Column("question", label=_("question"), sort_key="question"),
        Column("section", label=_("section"), accessor="get_section_display", sort_key="section"),
        Column("locale", label=_("language"), accessor="locale"),
        BooleanColumn("live", label=_("published"), sort_key="live"),
        DateColumn("updated_at", label=_("last updated"), sort_key="updated_at"),
    ]
    # The language is Wagtail's own locale switcher (?locale=ko): a "locale" filter would clash with it.
    list_filter = ["section", "live"]
    # No `search_fields`: the search goes through the model's own index (question and answer); naming
    # fields makes SQLite's full-text search look for columns its index does not have.
    ordering = ["-updated_at", "-pk"]
    copy_view_enabled = False  # a copy would be a second entry with no translations: publish from a question

    def get_queryset(self, request):
        return FAQEntry.objects.select_related("locale")

    edit_handler = ObjectList(
        [
            FieldPanel("section"),
            FieldPanel("question"),
            FieldPanel("answer", help_text=_("Plain text; separate paragraphs with a blank line.")),
            FieldPanel(
                "live",
                help_text=_("Untick to take the entry off the public pages; tick to publish it again."),
            ),
        ],
        base_form_class=FAQEntryForm,
    )
