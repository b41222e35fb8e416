"""Saved replies per language that staff start from; supervisors keep them."""

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
