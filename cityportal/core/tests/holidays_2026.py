"""The 2026 schedule as /work/shared/reference/beijing-facts.md section 4 lists it (State Council notice
of 4 Nov 2025), written out independently of the `holidays` package so the tests can catch it."""

from datetime import date, timedelta


def days(start: date, end: date) -> set[date]:
    return {start + timedelta(days=offset) for offset in range((end - start).days + 1)}


# Facts file, section 4: the days off of each break (inclusive) and the weekend days worked.
BREAKS_2026 = {
    "元旦": days(date(2026, 1, 1), date(2026, 1, 3)),
    "春节": days(date(2026, 2, 15), date(2026, 2, 23)),
    "清明节": days(date(2026, 4, 4), date(2026, 4, 6)),
    "劳动节": days(date(2026, 5, 1), date(2026, 5, 5)),
    "端午节": days(date(2026, 6, 19), date(2026, 6, 21)),
    "中秋节": days(date(2026, 9, 25), date(2026, 9, 27)),
    "国庆节": days(date(2026, 10, 1), date(2026, 10, 7)),
}
HOLIDAYS_2026 = frozenset().union(*BREAKS_2026.values())
WORKDAYS_2026 = frozenset(
    {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)
WEEKDAY_HOLIDAYS_2026 = {
    date(2026, 1, 1),
    date(2026, 1, 2),
    *days(date(2026, 2, 16), date(2026, 2, 20)),
    date(2026, 2, 23),
    date(2026, 4, 6),
    date(2026, 5, 1),
    date(2026, 5, 4),
    date(2026, 5, 5),
    date(2026, 6, 19),
    date(2026, 9, 25),
    date(2026, 10, 1),
    date(2026, 10, 2),
    date(2026, 10, 5),
    date(2026, 10, 6),
    date(2026, 10, 7),
}
