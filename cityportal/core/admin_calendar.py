"""The holiday calendar in the Wagtail admin: years (with a confirm action) and their days.

Registered from core/wagtail_hooks.py. Permissions are the models' own: `core.add/change/delete/
view_calendaryear` and `…_calendarday`; confirming a year needs `core.change_calendaryear`.
Every change goes through core.services.calendar and is written to the admin's history.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.log_actions import log

from cityportal.core.admin_views import ConfirmObjectActionView
from cityportal.core.models import CalendarDay, CalendarYear
from cityportal.core.services.calendar import (
    check_calendar_day,
    confirm_calendar_year,
    seed_calendar_year,
    set_calendar_day,
)

# Years


class CalendarYearCreateForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year"]
        help_texts = {
            "year": _("The year's holidays and make-up working days are filled in from the holidays package.")
        }

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2099:
            raise ValidationError(_("Choose a year from 2000 to 2099."), code="out_of_range")
        return year


class CalendarYearEditForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["source_note"]
        help_texts = {"source_note": _("For example the State Council notice the days were checked against.")}


class CalendarYearIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("confirmed_by")
            .annotate(
                holiday_count=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
                workday_count=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
            )
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("Days"),
                url=reverse("calendar_day:index") + f"?year={instance.pk}",
                icon_name="date",
                priority=5,
            )
        )
        if not instance.confirmed and self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Confirm"),
                    url=reverse("calendar_year:confirm", args=[instance.pk]),
                    icon_name="check",
                    priority=6,
                )
            )
        return buttons


class CalendarYearCreateView(CreateView):
    def save_instance(self):
        calendar_year = seed_calendar_year(self.form.cleaned_data["year"])
        log(calendar_year, "wagtail.create", user=self.request.user)
        return calendar_year


class CalendarYearConfirmView(ConfirmObjectActionView):
    """Shows what the year holds and confirms it on POST."""

    model = CalendarYear
    template_name = "core/admin/calendar_year_confirm.html"
    page_title = _("Confirm holiday calendar")
    header_icon = "date"
    index_url_name = "calendar_year:index"
    log_title = _("Confirmed")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["days"] = self.object.days.order_by("date")
        context["days_url"] = reverse("calendar_day:index") + f"?year={self.object.pk}"
        return context

    def perform(self, calendar_year):
        return confirm_calendar_year(calendar_year.year, user=self.request.user)

    def success_message(self, calendar_year) -> str:
        return gettext("The holiday calendar of %(year)s is confirmed.") % {"year": calendar_year.year}


class CalendarYearViewSet(ModelViewSet):
    model = CalendarYear
    icon = "date"
    menu_label = _("Years")
    name = "calendar_year"
    url_prefix = "holiday-calendar/years"
    copy_view_enabled = False
    index_view_class = CalendarYearIndexView
    add_view_class = CalendarYearCreateView
    list_display = [
        "year",  # the first column links to the edit view and carries the row's buttons
        BooleanColumn("confirmed", label=_("Confirmed")),
        DateColumn("confirmed_at", label=_("Confirmed at")),
        "confirmed_by",
        Column("holiday_count", label=_("Holidays")),
        Column("workday_count", label=_("Make-up working days")),
    ]

    def get_form_class(self, for_update=False):
        return CalendarYearEditForm if for_update else CalendarYearCreateForm

    @cached_property
    def confirm_view(self):
        return CalendarYearConfirmView.as_view()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("confirm/<int:pk>/", self.confirm_view, name="confirm"),
        ]


# Days


class CalendarDayForm(forms.ModelForm):
    """Date, kind and name; the year follows from the date. A saved day keeps its date."""

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        help_texts = {
            "kind": _(
                "A public holiday is a day off even on a weekday; a make-up working day is a Saturday "
                "or Sunday worked in exchange for a day off."
            ),
        }

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["date"].disabled = True
            self.fields["date"].help_text = _("To move a day, delete it and add the new date.")

    def clean(self):
        cleaned_data = super().clean()
        day, kind = cleaned_data.get("date"), cleaned_data.get("kind")
        if day and kind:
            try:
                check_calendar_day(day, kind)
            except ValidationError as error:
                self.add_error("kind", error)
        return cleaned_data


class CalendarDaySaveMixin:
    log_action = "wagtail.edit"

    def save_instance(self):
        data = self.form.cleaned_data
        calendar_day = set_calendar_day(data["date"], data["kind"], name=data["name"])
        log(calendar_day, self.log_action, user=self.request.user)
        return calendar_day


class CalendarDayCreateView(CalendarDaySaveMixin, CreateView):
    log_action = "wagtail.create"


class CalendarDayEditView(CalendarDaySaveMixin, EditView):
    pass


def weekday(calendar_day: CalendarDay) -> str:
    return date_format(calendar_day.date, "l")


class CalendarDayViewSet(ModelViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("Days")
    name = "calendar_day"
    url_prefix = "holiday-calendar/days"
    copy_view_enabled = False
    add_view_class = CalendarDayCreateView
    edit_view_class = CalendarDayEditView
    form_class = CalendarDayForm
    list_filter = ["year", "kind"]
    list_per_page = 100
    list_display = [
        "date",
        Column("weekday", label=_("Weekday"), accessor=weekday),
        "kind",
        "name",
        "year",
    ]

    def get_form_class(self, for_update=False):
        return CalendarDayForm


class HolidayCalendarViewSetGroup(ModelViewSetGroup):
    menu_label = _("Holiday calendar")
    menu_icon = "date"
    menu_order = 850
    items = (CalendarYearViewSet, CalendarDayViewSet)


holiday_calendar_viewsets = HolidayCalendarViewSetGroup()
