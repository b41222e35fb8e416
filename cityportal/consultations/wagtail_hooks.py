"""The questions area of the admin: one “Questions” menu with the inbox, response times, reply
templates, department staff and FAQ entries, each shown only to users with its permissions."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet

from .admin import urls as admin_urls
from .admin.faq_entries import FAQEntryViewSet
from .admin.reply_templates import ReplyTemplateViewSet
from .admin.staff import DepartmentAssignmentViewSet

QUESTIONS_MENU = "register_questions_menu_item"


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def register_questions_urls():
    return [path("questions/", include(admin_urls, namespace="consultations_admin"))]


@hooks.register(QUESTIONS_MENU)
def inbox_menu_item():
    return PermissionMenuItem(
        _("Inbox"),
        reverse("consultations_admin:inbox"),
        icon_name="mail",
        order=100,
        permission="consultations.view_question",
    )


@hooks.register(QUESTIONS_MENU)
def response_times_menu_item():
    return PermissionMenuItem(
        _("Response times"),
        reverse("consultations_admin:response_times"),
        icon_name="time",
        order=200,
        permission="consultations.view_question",
    )


class QuestionsViewSetGroup(ViewSetGroup):
    menu_label = _("Questions")
    menu_icon = "help"
    menu_order = 170
    submenu_hook = QUESTIONS_MENU
    items = (
        ReplyTemplateViewSet(menu_order=300),
        DepartmentAssignmentViewSet(menu_order=400),
    )


class FAQEntriesInQuestionsMenu(FAQEntryViewSet):
    menu_hook = QUESTIONS_MENU
    menu_order = 500


@hooks.register("register_admin_viewset")
def register_questions():
    return QuestionsViewSetGroup()


register_snippet(FAQEntriesInQuestionsMenu)


@hooks.register("register_log_actions")
def register_question_log_actions(actions):
    actions.register_action("consultations.assign", _("Assign"), _("Question assigned"))
    actions.register_action("consultations.note", _("Add note"), _("Internal note added"))
    actions.register_action("consultations.answer", _("Answer"), _("Question answered"))
    actions.register_action("consultations.close", _("Close"), _("Question closed"))
    actions.register_action(
        "consultations.download_attachment", _("Download a document"), _("Document downloaded")
    )
    actions.register_action("consultations.publish_faq", _("Publish to the FAQ"), _("Published to the FAQ"))
