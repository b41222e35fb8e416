"""Per office and day: who is booked, printable and as CSV, with check-in and no-show at the counter.

Seeing a day list needs `appointments.view_booking`, marking attendance `appointments.change_booking`,
and either needs the office to be one of the user's (permissions.offices_for): another office's
list or booking answers 404.
"""

import csv
import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permissions import policy_registry

from cityportal.core.admin_views import ConfirmObjectActionView
from cityportal.core.models import Office
from cityportal.core.spreadsheets import spreadsheet_safe
from cityportal.core.templatetags.core_tags import format_date

from ..models import Booking, BookingStatus
from ..permissions import bookings_for, offices_for
from ..schedule import BEIJING
from ..services import AttendanceRefused, can_check_in, can_mark_no_show, check_in, mark_no_show
from .rows import masked_document_number

NAMESPACE = "appointment_days"


def day_list_url(office_id: int, day: dt.date, *, cancelled: bool = False) -> str:
    url = reverse(f"{NAMESPACE}:day", args=[office_id, day.isoformat()])
    return url + "?cancelled=1" if cancelled else url


def today() -> dt.date:
    return timezone.now().astimezone(BEIJING).date()


def bookings_on(office: Office, day: dt.date, *, with_cancelled: bool):
    start = dt.datetime.combine(day, dt.time.min, tzinfo=BEIJING)
    bookings = Booking.objects.filter(
        slot__office=office, slot__starts_at__gte=start, slot__starts_at__lt=start + dt.timedelta(days=1)
    )
    if not with_cancelled:
        bookings = bookings.exclude(status=BookingStatus.CANCELLED)
    return bookings.select_related("slot", "service").order_by("slot__starts_at", "reference")


@dataclass(frozen=True)
class DayRow:
    booking: Booking
    document_number: str
    check_in_url: str | None
    no_show_url: str | None


class BookingPermissionMixin(PermissionCheckedMixin):
    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(Booking)


class ChooseDayForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for(user).order_by("code")


def breadcrumbs(*items: tuple[str, str]) -> list[dict]:
    """Home › Day lists › … (the last item is the current page, without a link)."""
    trail = [
        {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
        {"url": reverse(f"{NAMESPACE}:index"), "label": gettext("Day lists")},
    ]
    trail += [{"url": url, "label": label} for url, label in items]
    trail[-1]["url"] = ""
    return trail


class ChooseDayView(BookingPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """Pick an office and a date (a plain GET form); each office's list for today is one click away."""

    permission_required = "view"
    template_name = "appointments/admin/choose_day.html"
    page_title = _("Day lists")
    header_icon = "list-ul"

    def get_breadcrumbs_items(self):
        return breadcrumbs()

    def get(self, request, *args, **kwargs):
        form = ChooseDayForm(request.GET or None, user=request.user, initial={"date": today()})
        if form.is_bound and form.is_valid():
            return redirect(day_list_url(form.cleaned_data["office"].pk, form.cleaned_data["date"]))
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = today()
        context["today_links"] = [
            (office, day_list_url(office.pk, day))
            for office in offices_for(self.request.user).order_by("code")
        ]
        return context


class OfficeDayMixin(BookingPermissionMixin):
    """The office and day from the URL; an office outside the user's is not found."""

    permission_required = "view"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.office = get_object_or_404(offices_for(request.user), pk=kwargs["office_id"])
        try:
            self.day = dt.date.fromisoformat(kwargs["day"])
        except ValueError as error:
            raise Http404("Not a date.") from error
        self.with_cancelled = request.GET.get("cancelled") == "1"

    def bookings(self):
        return bookings_on(self.office, self.day, with_cancelled=self.with_cancelled)


class DayListView(OfficeDayMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "appointments/admin/day_list.html"
    header_icon = "list-ul"

    def get_page_title(self):
        return str(self.office)

    def get_page_subtitle(self):
        return format_date(self.day, "full")

    def get_header_title(self):
        return f"{self.get_page_title()}: {self.get_page_subtitle()}"

    def get_breadcrumbs_items(self):
        return breadcrumbs(("", self.get_header_title()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        may_change = self.user_has_permission("change")
        rows = [
            DayRow(
                booking,
                masked_document_number(booking),
                reverse(f"{NAMESPACE}:check_in", args=[booking.pk])
                if may_change and can_check_in(booking, now)
                else None,
                reverse(f"{NAMESPACE}:no_show", args=[booking.pk])
                if may_change and can_mark_no_show(booking, now)
                else None,
            )
            for booking in self.bookings()
        ]
        counts = dict.fromkeys(BookingStatus, 0)
        for row in rows:
            counts[row.booking.status] += 1
        context.update(
            heading=self.get_header_title(),
            office=self.office,
            day=self.day,
            rows=rows,
            counts=[(status.label, counts[status]) for status in BookingStatus if counts[status]],
            with_cancelled=self.with_cancelled,
            previous_url=day_list_url(self.office.pk, self.day - dt.timedelta(days=1)),
            next_url=day_list_url(self.office.pk, self.day + dt.timedelta(days=1)),
            toggle_cancelled_url=day_list_url(self.office.pk, self.day, cancelled=not self.with_cancelled),
            csv_url=reverse(f"{NAMESPACE}:csv", args=[self.office.pk, self.day.isoformat()])
            + ("?cancelled=1" if self.with_cancelled else ""),
            choose_url=reverse(f"{NAMESPACE}:index"),
        )
        return context


class DayListCsvView(OfficeDayMixin, View):
    """The day list as CSV (UTF-8 with a byte-order mark, so spreadsheets read Chinese names)."""

    def get(self, request, *args, **kwargs):
        filename = f"bookings-{self.office.code}-{self.day.isoformat()}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                gettext("Time"),
                gettext("Service"),
                gettext("Reference"),
                gettext("Name"),
                gettext("Nationality"),
                gettext("Document"),
                gettext("Document number"),
                gettext("Status"),
            ]
        )
        for booking in self.bookings():
            starts, ends = (
                booking.slot.starts_at.astimezone(BEIJING),
                booking.slot.ends_at.astimezone(BEIJING),
            )
            writer.writerow(
                [
                    spreadsheet_safe(value)
                    for value in (
                        f"{starts:%H:%M}–{ends:%H:%M}",
                        booking.service.name,
                        booking.reference,
                        booking.full_name,
                        booking.nationality,
                        booking.get_document_type_display(),
                        masked_document_number(booking),
                        booking.get_status_display(),
                    )
                ]
            )
        return response


class AttendanceView(ConfirmObjectActionView):
    """Asks once (GET); the day list's buttons post here directly, one click at the counter."""

    model = Booking
    template_name = "appointments/admin/attendance_confirm.html"
    header_icon = "user"
    log_action = None  # the service function writes the booking's history

    def get_base_object_queryset(self):
        return bookings_for(self.request.user).select_related("slot", "service")

    def get_index_url(self) -> str:
        day = self.object.slot.starts_at.astimezone(BEIJING).date()
        return day_list_url(self.object.slot.office_id, day)

    def get_breadcrumbs_items(self):
        day = self.object.slot.starts_at.astimezone(BEIJING).date()
        return breadcrumbs(
            (self.get_index_url(), f"{self.object.slot.office}: {format_date(day, 'full')}"),
            ("", f"{self.get_page_title()}: {self.object.reference}"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(booking=self.object, document_number=masked_document_number(self.object))
        return context

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AttendanceRefused:
            messages.error(request, self.refused_message())
            return redirect(self.get_index_url())


class CheckInView(AttendanceView):
    page_title = _("Check in")

    def perform(self, booking):
        return check_in(booking, acting_user=self.request.user)

    def success_message(self, booking) -> str:
        return gettext("%(name)s (%(reference)s) is checked in.") % {
            "name": booking.full_name,
            "reference": booking.reference,
        }

    def refused_message(self) -> str:
        return gettext("Only an active booking can be checked in, and only on the day of the appointment.")


class NoShowView(AttendanceView):
    page_title = _("Did not come")

    def perform(self, booking):
        return mark_no_show(booking, acting_user=self.request.user)

    def success_message(self, booking) -> str:
        return gettext("%(name)s (%(reference)s) is marked as a no-show.") % {
            "name": booking.full_name,
            "reference": booking.reference,
        }

    def refused_message(self) -> str:
        return gettext("A booking can be marked as a no-show only once its time has begun.")


class DayListMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Booking).user_has_permission(request.user, "view")


class DayListViewSet(ViewSet):
    name = NAMESPACE
    url_prefix = "appointments/days"
    icon = "list-ul"
    menu_label = _("Day lists")
    menu_item_class = DayListMenuItem

    def get_urlpatterns(self):
        return [
            path("", ChooseDayView.as_view(), name="index"),
            path("<int:office_id>/<str:day>/", DayListView.as_view(), name="day"),
            path("<int:office_id>/<str:day>/bookings.csv", DayListCsvView.as_view(), name="csv"),
            path("bookings/<int:pk>/check-in/", CheckInView.as_view(), name="check_in"),
            path("bookings/<int:pk>/no-show/", NoShowView.as_view(), name="no_show"),
        ]
