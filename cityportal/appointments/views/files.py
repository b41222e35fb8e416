"""The booking's `.ics` calendar file, downloadable from the confirmation and "manage" pages.

Its address carries no personal data: only the booking's id, signed with the secret key and valid
for a week (django.core.signing), so it cannot be guessed, and a copy left in a log or a browser's
history stops working. The file itself is the one the emails attach (calendar_files.booking_ics).
"""

from django.core import signing
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from ..calendar_files import booking_ics, ics_filename
from ..models import Booking
from .common import Problem, problem_page

SALT = "cityportal.appointments.calendar-file"
MAX_AGE = 7 * 24 * 3600


def calendar_file_url(booking: Booking) -> str:
    return reverse("appointments:calendar-file", args=[signing.dumps(booking.pk, salt=SALT, compress=True)])


def calendar_file(request, token):
    try:
        booking_id = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        booking = Booking.objects.select_related("slot__office", "service").get(
            pk=booking_id, anonymised_at__isnull=True
        )
    except (signing.BadSignature, Booking.DoesNotExist, TypeError, ValueError):
        problem = Problem(
            _("This link has expired"),
            _(
                "Links to calendar files work for a week. Find your booking under “Manage a booking” "
                "with its reference and your email address to download the file again."
            ),
            links=[(_("Manage a booking"), reverse("appointments:manage"))],
        )
        response = problem_page(request, problem)
    else:
        response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{ics_filename(booking)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
