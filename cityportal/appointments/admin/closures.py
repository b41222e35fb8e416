"""Office closures in the admin: add one (after seeing whom it affects), correct its reason, or
delete it to open the hours again.

Adding goes through `services.close_office`: when the closure meets active bookings, the first
submission only shows them (time, reference, masked document number, name); nothing changes until
staff confirm, and the confirmation cancels exactly the bookings shown (or shows the list again if
it changed meanwhile). Office, date and hours cannot be edited afterwards: delete and add again.
Staff work with their own offices' closures only (permissions.closures_for).
"""

import datetime as dt

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet

from cityportal.core import i18n
from cityportal.core.admin_offices import language_tabs
from cityportal.core.templatetags.core_tags import format_date

from ..models import OfficeClosure
from ..permissions import closures_for, offices_for
from ..schedule import BEIJING
from ..services import AffectedBookingsChanged, affected_by_closure, close_office, reopen_office
from .rows import affected_rows

# The fields that say what is closed; fixed once the closure exists.
WHAT_IS_CLOSED = ("office", "date", "starts", "ends")


class ClosureForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offices = offices_for(self.for_user).order_by("code")
        self.fields["office"].queryset = offices
        if not self.instance.pk and len(offices[:2]) == 1:
            self.fields["office"].initial = offices[0]  # staff of one office need not choose it
        if self.instance.pk:
            for name in WHAT_IS_CLOSED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "To change what is closed, delete this closure and add another."
                )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            return cleaned_data
        day, starts, ends = cleaned_data.get("date"), cleaned_data.get("starts"), cleaned_data.get("ends")
        if day and day < dt.datetime.now(BEIJING).date():
            self.add_error("date", ValidationError(_("Choose today or a later day."), code="past"))
        if (starts is None) != (ends is None):
            self.add_error(
                "ends" if ends is None else "starts",
                ValidationError(
                    _("Give both times to close a range of hours, or neither to close the whole day."),
                    code="half_range",
                ),
            )
        elif starts is not None and ends <= starts:
            self.add_error("ends", ValidationError(_("The end must be after the start."), code="backwards"))
        return cleaned_data


class ClosureFilterSet(WagtailFilterSet):
    office = django_filters.ModelChoiceFilter(
        label=_("Office"), queryset=lambda request: offices_for(request.user).order_by("code")
    )

    class Meta:
        model = OfficeClosure
        fields = ["office"]


class OfficeScopedMixin:
    """Another office's closure is not found (404), for listing, editing, deleting and history."""

    def get_base_queryset(self):
        return closures_for(self.request.user).select_related("office")

    def get_queryset(self):
        return closures_for(self.request.user).select_related("office")

    def get_base_object_queryset(self):
        return closures_for(self.request.user)


class ClosureIndexView(OfficeScopedMixin, generic.IndexView):
    pass


class ClosureCreateView(generic.CreateView):
    confirm_template_name = "appointments/admin/closure_confirm.html"

    def form_valid(self, form):
        self.form = form
        data = form.cleaned_data
        place_and_time = (data["office"], data["date"], data["starts"], data["ends"])
        confirmed = "confirm" in self.request.POST
        if not confirmed:
            affected = affected_by_closure(*place_and_time)
            if affected:
                return self.show_affected(form, affected)
        reason = {
            language: data.get(build_localized_fieldname("reason", language)) or ""
            for language in i18n.language_codes()
        }
        shown = [int(pk) for pk in self.request.POST.getlist("affected") if pk.isdigit()]
        try:
            outcome = close_office(
                *place_and_time, reason, acting_user=self.request.user, expected=shown if confirmed else []
            )
        except AffectedBookingsChanged as changed:
            messages.warning(
                self.request,
                gettext("The bookings on these hours changed since you looked. Check the list again."),
            )
            return self.show_affected(form, changed.affected)
        messages.success(self.request, self.closed_message(outcome))
        return redirect(reverse(self.index_url_name))

    def closed_message(self, outcome) -> str:
        closure = outcome.closure
        closed = gettext("Closed: %(closure)s.") % {
            "closure": describe(closure.office, closure.date, closure.starts, closure.ends)
        }
        if not outcome.cancelled:
            return closed
        return " ".join(
            [
                closed,
                ngettext(
                    "%(count)s booking was cancelled and its holder is being emailed.",
                    "%(count)s bookings were cancelled and their holders are being emailed.",
                    len(outcome.cancelled),
                )
                % {"count": len(outcome.cancelled)},
            ]
        )

    def show_affected(self, form, affected):
        data = form.cleaned_data
        context = self.get_context_data(form=form)
        context.update(
            closing=describe(data["office"], data["date"], data["starts"], data["ends"]),
            affected=affected_rows(affected),
            back_url=self.get_add_url(),
        )
        return self.response_class(
            request=self.request,
            template=self.confirm_template_name,
            context=context,
            using=self.template_engine,
        )


class ClosureEditView(OfficeScopedMixin, generic.EditView):
    pass


class ClosureDeleteView(OfficeScopedMixin, generic.DeleteView):
    @property
    def confirmation_message(self):
        return gettext(
            "Delete this closure? Its hours become bookable again. Bookings it cancelled stay cancelled."
        )

    def delete_action(self):
        reopen_office(self.object, acting_user=self.request.user)


class ClosureHistoryView(OfficeScopedMixin, HistoryView):
    pass


def hours(closure: OfficeClosure) -> str:
    if closure.whole_day:
        return gettext("Whole day")
    return f"{closure.starts:%H:%M}–{closure.ends:%H:%M}"


def describe(office, day: dt.date, starts: dt.time | None, ends: dt.time | None) -> str:
    return gettext("%(office)s, %(date)s: %(hours)s") % {
        "office": office,
        "date": format_date(day, "full"),
        "hours": hours(OfficeClosure(starts=starts, ends=ends)),
    }


class ClosureViewSet(ModelViewSet):
    model = OfficeClosure
    icon = "calendar-alt"
    menu_label = _("Closures")
    name = "appointment_closures"
    url_prefix = "appointments/closures"
    copy_view_enabled = False
    index_view_class = ClosureIndexView
    add_view_class = ClosureCreateView
    edit_view_class = ClosureEditView
    delete_view_class = ClosureDeleteView
    history_view_class = ClosureHistoryView
    filterset_class = ClosureFilterSet
    ordering = ["-date", "starts"]
    list_display = [
        "office",  # the title column, linking to the edit view
        "date",
        Column("hours", label=_("Hours"), accessor=hours),
        "reason",
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("office", widget=forms.Select),
                    FieldPanel("date"),
                    FieldRowPanel([FieldPanel("starts"), FieldPanel("ends")], heading=_("Hours")),
                ],
                heading=_("Closure"),
            ),
            *language_tabs(("reason",)),
        ],
        base_form_class=ClosureForm,
    )

    def get_urlpatterns(self):
        # No usage view: nothing refers to a closure.
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "usage"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(**kwargs) | {"usage_url_name": None}
