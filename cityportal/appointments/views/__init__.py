"""The public booking pages, one module per group of steps:

- choose.py    the services (by section, searchable), then the offices of one;
- calendar.py  a month of days with free places, then the times of one day;
- booking.py   the applicant's details, review, confirmation (and "choose another time");
- manage.py    see, cancel or move a booking with its reference and email address;
- files.py     the booking's .ics file behind a signed, expiring link.
"""
