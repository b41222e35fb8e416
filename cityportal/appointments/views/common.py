"""What every step of the booking pages shares: finding the service and office, the language
switcher, the breadcrumbs and the page that explains a problem (an unknown id, an impossible date)."""

import re

from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cityportal.core.navigation import Crumb, LanguageVersion, view_language_versions

from ..models import AppointmentService, ServiceOffice

ID = re.compile(r"^[1-9][0-9]{0,9}$")
MAX_ID = 2**31 - 1


class Problem(Exception):
    """A request the flow cannot answer: shown as a page that says what went wrong and where to go."""

    def __init__(self, title, message, *, status=404, links=()):
        super().__init__(message)
        self.title, self.message, self.status, self.links = title, message, status, list(links)


def problem_page(request, problem: Problem):
    context = {"title": problem.title, "message": problem.message, "links": problem.links}
    context.setdefault("crumbs", crumbs())
    return render(request, "appointments/problem.html", context, status=problem.status)


def parse_id(value) -> int | None:
    """An id from a form or query string; None for anything else (including numbers too big for the
    database, which would otherwise raise instead of finding nothing)."""
    value = str(value or "").strip()
    if not ID.match(value) or int(value) > MAX_ID:
        return None
    return int(value)


def now():
    return timezone.now()


def after_commit(send, booking) -> None:
    """Send a notification once the change is committed. `robust`: an email that cannot be queued is
    logged, and never undoes or fails the booking (the page itself has everything)."""
    transaction.on_commit(lambda: send(booking), robust=True)


def services_link() -> tuple[str, str]:
    return _("All appointment services"), reverse("appointments:services")


def active_service(service_id) -> AppointmentService:
    service = AppointmentService.objects.filter(pk=parse_id(service_id), active=True).first()
    if service is None:
        raise Problem(
            _("Service not found"),
            _("This appointment service does not exist or is no longer open for booking."),
            links=[services_link()],
        )
    return service


def service_office(service: AppointmentService, office_id) -> ServiceOffice:
    link = (
        ServiceOffice.objects.filter(service=service, office_id=parse_id(office_id))
        .select_related("office")
        .first()
    )
    if link is None:
        raise Problem(
            _("Office not found"),
            _("This office does not offer this service. Please choose an office from the list."),
            links=[(_("Choose an office"), reverse("appointments:offices", args=[service.pk]))],
        )
    return link


def language_versions(request, url_name: str, args=(), query: dict | None = None) -> list[LanguageVersion]:
    """The same step in every language: ids are the same in all of them, so only the prefix changes."""
    return view_language_versions(request, url_name, args=args, query=query)


def crumbs(*trail: tuple[str, str]) -> list[Crumb]:
    """Home and "Appointments", then `trail` as (title, url) pairs."""
    home = Crumb(_("Home"), f"/{get_language()}/")
    services = Crumb(_("Appointments"), reverse("appointments:services"))
    return [home, services, *(Crumb(title, url) for title, url in trail)]
