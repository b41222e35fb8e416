"""Saved replies per language that staff start from; supervisors keep them.

Supervisors add, edit and delete templates (consultations.add/change/delete_replytemplate); staff
hold only the view permission: they list and read them here (the inspect view shows the whole
text) and use them in the reply composer of a question in the same language.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import ReplyTemplate


class ReplyTemplateViewSet(ModelViewSet):
    model = ReplyTemplate
    icon = "doc-full"
    menu_label = _("Reply templates")
    name = "consultation_reply_templates"
    url_prefix = "questions/reply-templates"
    list_display = ["title", "language", "section"]
    list_filter = ["language", "section"]
    search_fields = ["title", "body"]
    form_fields = ["title", "language", "section", "body"]
    inspect_view_enabled = True
    inspect_view_fields = ["title", "language", "section", "body"]
