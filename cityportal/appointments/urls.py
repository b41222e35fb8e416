"""Public booking pages, inside the language prefix: /<lang>/appointments/…

Service, office and slot ids are the same in every language, so a step's address differs between
languages only by its prefix. Personal data never appears in these addresses: the applicant's
details and a booking's reference and email travel in POST bodies.
"""

from django.urls import path, register_converter

from .views import booking, calendar, choose, files, manage


class IdConverter:
    """A database id: at most ten digits, so a huge number is a 404, not a database error."""

    regex = "[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "appointments"
urlpatterns = [
    path("", choose.service_list, name="services"),
    path("book/", booking.book, name="book"),
    path("manage/", manage.manage, name="manage"),
    path("calendar-file/<str:token>/", files.calendar_file, name="calendar-file"),
    path("<id:service_id>/", choose.office_choice, name="offices"),
    path("<id:service_id>/<id:office_id>/", calendar.month, name="calendar"),
    path("<id:service_id>/<id:office_id>/<str:day_text>/", calendar.day, name="day"),
]
