"""Appointment services in the admin: a snippet with one tab per language, the offices that provide
it (each with its counter, translated), its Chinese guides, and a separate action to change its
places per slot.

Places per slot are not edited in the form once the service exists: lowering them can cancel
bookings, so it goes through `services.change_capacity` after staff have seen whom it affects.
Managing services needs the `appointments.*_appointmentservice` permissions (Appointment managers).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.models import Locale
from wagtail.snippets.views.snippets import DeleteView, IndexView, SnippetViewSet

from cityportal.core import i18n
from cityportal.core.admin_offices import language_tabs
from cityportal.procedures.models import ProcedurePage

from ..models import AppointmentService
from ..services import AffectedBookingsChanged, affected_by_capacity, change_capacity
from ..services.capacity import HIGHEST, LOWEST
from .rows import affected_rows

NAMESPACE = "appointment_services"


def chinese_guides():
    """Services link the source-language guides; translations find the service through them."""
    return ProcedurePage.objects.filter(locale=Locale.get_default()).order_by("title")


class AppointmentServiceForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "procedures" in self.fields:
            field = self.fields["procedures"]
            field.queryset = chinese_guides()
            field.label_from_instance = lambda guide: f"{guide.title} ({guide.item_code})"
        if self.instance.pk and "capacity_per_slot" in self.fields:
            self.fields["capacity_per_slot"].disabled = True
            self.fields["capacity_per_slot"].help_text = _(
                "Use “Change places per slot” in the services listing: it shows first which bookings a "
                "lower number would cancel."
            )


def counter_panels() -> list[FieldPanel]:
    return [
        FieldPanel(build_localized_fieldname("counter", language), heading=i18n.language_name(language))
        for language in i18n.language_codes()
    ]


class ServiceIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Change places per slot"),
                    url=reverse(f"{NAMESPACE}:capacity", args=[instance.pk]),
                    icon_name="group",
                    priority=15,
                )
            )
        return buttons


class ServiceDeleteView(DeleteView):
    """A service that has ever been booked is kept (its bookings need it): it can be closed instead."""

    def refuse_if_booked(self):
        if not self.object.bookings.exists():
            return None
        messages.error(
            self.request,
            gettext(
                "%(service)s has bookings, so it cannot be deleted. Untick “Open for booking” to stop "
                "new bookings."
            )
            % {"service": self.object},
        )
        return redirect(f"{NAMESPACE}:edit", self.object.pk)

    def get(self, request, *args, **kwargs):
        return self.refuse_if_booked() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_if_booked() or super().post(request, *args, **kwargs)


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places per slot"), min_value=LOWEST, max_value=HIGHEST)


class ChangeCapacityView(PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, FormView):
    """New number → (if it cancels bookings) the list of those bookings → confirm → changed."""

    model = AppointmentService
    permission_required = "change"
    form_class = CapacityForm
    template_name = "appointments/admin/capacity_form.html"
    confirm_template_name = "appointments/admin/capacity_confirm.html"
    page_title = _("Change places per slot")
    header_icon = "group"

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse(f"{NAMESPACE}:list"), "label": gettext("Services")},
            {"url": "", "label": f"{self.get_page_title()}: {self.object}"},
        ]

    def get_initial(self):
        return {"capacity": self.object.capacity_per_slot}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(service=self.object, cancel_url=reverse(f"{NAMESPACE}:list"))
        return context

    def form_valid(self, form):
        capacity = form.cleaned_data["capacity"]
        confirmed = "confirm" in self.request.POST
        if not confirmed:
            affected = affected_by_capacity(self.object, capacity)
            if affected:
                return self.show_affected(form, affected)
        shown = [int(pk) for pk in self.request.POST.getlist("affected") if pk.isdigit()]
        try:
            outcome = change_capacity(
                self.object, capacity, acting_user=self.request.user, expected=shown if confirmed else []
            )
        except AffectedBookingsChanged as changed:
            messages.warning(
                self.request, gettext("The bookings changed since you looked. Check the list again.")
            )
            return self.show_affected(form, changed.affected)
        message = gettext("%(service)s now takes %(count)s per slot.") % {
            "service": outcome.service,
            "count": outcome.new_capacity,
        }
        if outcome.cancelled:
            message += " " + ngettext(
                "%(count)s booking was cancelled and its holder is being emailed.",
                "%(count)s bookings were cancelled and their holders are being emailed.",
                len(outcome.cancelled),
            ) % {"count": len(outcome.cancelled)}
        messages.success(self.request, message)
        return redirect(f"{NAMESPACE}:list")

    def show_affected(self, form, affected):
        context = self.get_context_data(form=form)
        context["affected"] = affected_rows(affected)
        return self.response_class(
            request=self.request,
            template=self.confirm_template_name,
            context=context,
            using=self.template_engine,
        )


class AppointmentServiceViewSet(SnippetViewSet):
    model = AppointmentService
    icon = "clipboard-list"
    menu_label = _("Services")
    url_namespace = NAMESPACE
    url_prefix = "appointments/services"
    index_view_class = ServiceIndexView
    delete_view_class = ServiceDeleteView
    copy_view_enabled = False
    list_display = [
        "name",
        "code",
        Column("capacity_per_slot", label=_("Places per slot")),
        Column("slot_minutes", label=_("Minutes per slot")),
        BooleanColumn("active", label=_("Open for booking")),
    ]
    list_filter = ["active", "sections"]
    search_fields = ["code", "name_zh_hans", "name_en"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("code"),
                    FieldPanel("active"),
                    FieldPanel("sections", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("procedures", widget=forms.CheckboxSelectMultiple),
                    MultiFieldPanel(
                        [
                            FieldRowPanel(
                                [FieldPanel("slot_minutes"), FieldPanel("buffer_minutes")],
                            ),
                            FieldRowPanel([FieldPanel("capacity_per_slot"), FieldPanel("daily_cap")]),
                            FieldRowPanel(
                                [
                                    FieldPanel("booking_window_days"),
                                    FieldPanel("min_notice_minutes"),
                                    FieldPanel("same_day_cutoff"),
                                ]
                            ),
                        ],
                        heading=_("Slots and booking rules"),
                    ),
                    InlinePanel(
                        "service_offices",
                        heading=_("Offices providing the service"),
                        label=_("Office"),
                        panels=[
                            FieldPanel("office"),
                            MultiFieldPanel(counter_panels(), heading=_("Where to go on arrival")),
                        ],
                    ),
                ],
                heading=_("Record"),
            ),
            *language_tabs(("name", "description", "documents_to_bring")),
        ],
        base_form_class=AppointmentServiceForm,
    )

    @cached_property
    def capacity_view(self):
        return ChangeCapacityView.as_view()

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("capacity/<int:pk>/", self.capacity_view, name="capacity")]
