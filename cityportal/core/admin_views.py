"""Admin views shared by the platform's admin screens."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.log_actions import log


class ConfirmObjectActionView(
    PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Show one object and what an action will do; on POST run it through a service, log it in the
    object's history, say so, and go back to the listing.

    Subclasses set `model`, `template_name`, `page_title`, `header_icon`, `index_url_name` (or
    override `get_index_url()`) and `log_title`, and implement `perform(obj) -> obj` and
    `success_message(obj) -> str`. `log_action = None` when `perform` writes the history itself.
    """

    permission_required = "change"
    index_url_name = ""
    log_title = ""
    log_action: str | None = "wagtail.edit"

    def get_index_url(self) -> str:
        return reverse(self.index_url_name)

    def get_page_subtitle(self):
        return str(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.get_index_url()
        return context

    def perform(self, obj):
        raise NotImplementedError

    def success_message(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.perform(self.object)
        if self.log_action:
            log(obj, self.log_action, user=request.user, title=str(self.log_title))
        messages.success(request, self.success_message(obj))
        return redirect(self.get_index_url())
