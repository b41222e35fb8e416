"""The appointments area of the Wagtail admin (registered from appointments/wagtail_hooks.py).

- day_lists: per office and day, the bookings (printable, CSV) with check-in and no-show;
- closures: closing an office for a day or some hours, after seeing whom it affects;
- services: the appointment services (a snippet), and changing their places per slot;
- staff: which offices each member of the appointment staff works at.

Who sees what: appointments/permissions.py.
"""
