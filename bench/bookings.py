"""cityportal booking benchmark: bookings per second through the JSON API, and proof of no overbooking.

Run it with `.venv/bin/python bench/bookings.py` (`--help` for the options; `make bench` runs it after
the other benchmarks). It

1. builds a throw-away portal like the foundation benchmark (scratch.py: production settings, a fresh
   database, `load_demo`), with RATE_LIMITS=off and BOT_CHECKS=off: the benchmark measures booking,
   not the protections. SQLite by default; --database-url postgres://… uses a scratch database
   `bench_bookings` on that server (created, then dropped; never `test`);
2. in this process: one office open Monday to Friday with a lunch break, the working-day calendar of
   this year and the next (confirmed), one service with --capacity places per 15-minute slot, and its
   slots over the booking window (`ensure_slots`, the same code as the daily job);
3. starts gunicorn (--workers sync workers) and warms each worker up;
4. --clients threads post bookings to /api/v1/bookings/ (a different person each time) at random
   slots among the first --slots, until --attempts requests or --seconds: there are fewer places than
   attempts, so clients race for the last places of each slot and full slots answer 409 `slot-full`;
5. reports bookings/s (201 answers per second), requests/s, the latency median/p95/p99 of each
   answer, the answers by status, the server's CPU time per request (gunicorn workers from
   /proc/<pid>/stat, and the PostgreSQL backends serving the scratch database), and, from the
   database, the slots whose active bookings exceed their capacity (must be 0) or disagree with their
   `booked` counter (must be 0), and whether every 201 answer left exactly one booking; then writes
   bench/results/bookings-<date>-<time>.json. The exit status is 1 when any of these checks fails.

Aim (issue 5): at least 100 bookings/s with PostgreSQL on a 2-core machine. The clients run on the
same machine and use some of its CPU. Other load on the machine lowers bookings/s and raises latency
a lot, and the CPU time per request less (it still rose from 20 to 30 ms at a load average of 5 on
this virtual machine): compare runs made on an idle machine. Every request goes to
127.0.0.1 only; gunicorn, the temp dir and the scratch database are removed on exit, also after an
error or Ctrl+C.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import entry
import queries
import scratch
from run import RESULTS_DIR, check_installation, log, machine
from scratch import REPO, SetupError
from server import CLOCK_TICKS, HOST, Gunicorn, read_stat

SCRATCH_DATABASE = "bench_bookings"
SERVICE_CODE = "bench-booking"
AIM_BOOKINGS_PER_SECOND = 100
EXTRA_SETTINGS = {"RATE_LIMITS": "off", "BOT_CHECKS": "off", "BENCHMARK_MODE": "on"}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads (default 16)")
    parser.add_argument("--attempts", type=int, default=3000, help="booking requests in all (default 3000)")
    parser.add_argument("--slots", type=int, default=200, help="slots the clients choose from (default 200)")
    parser.add_argument("--capacity", type=int, default=12, help="places per slot (default 12)")
    parser.add_argument("--seconds", type=float, default=120, help="time limit of the booking run")
    parser.add_argument("--database-url", default="", help="PostgreSQL server for a scratch database")
    arguments = parser.parse_args()
    for name in ("workers", "clients", "attempts", "slots", "capacity", "seconds"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return arguments


# --- The service and its slots, made in this process against the scratch database ---------------------


def make_service(capacity: int) -> tuple[list[int], list[int], int]:
    """(the measured slots' ids in start order, warm-up slots' ids, service id)."""
    from cityportal.appointments.models import AppointmentService, AppointmentSlot, ServiceOffice
    from cityportal.appointments.schedule import BEIJING
    from cityportal.appointments.services import ensure_slots
    from cityportal.core.models import Office, OfficeHours
    from cityportal.core.services.calendar import seed_calendar_year

    today = dt.datetime.now(BEIJING).date()
    for year in (today.year, today.year + 1):
        seed_calendar_year(year, confirmed=True)
    office, _created = Office.objects.update_or_create(
        code="bench-hall",
        defaults={
            "name_zh_hans": "基准测试大厅",
            "name_en": "Benchmark hall",
            "address_zh_hans": "北京市示例路1号",
        },
    )
    OfficeHours.objects.filter(office=office).delete()
    OfficeHours.objects.bulk_create(
        OfficeHours(office=office, weekday=weekday, opens=opens, closes=closes)
        for weekday in range(5)
        for opens, closes in ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17)))
    )
    service, _created = AppointmentService.objects.update_or_create(
        code=SERVICE_CODE,
        defaults={
            "name_zh_hans": "基准测试预约",
            "name_en": "Benchmark appointment",
            "documents_to_bring_en": "Passport",
            "slot_minutes": 15,
            "capacity_per_slot": capacity,
            "booking_window_days": 60,
            "min_notice_minutes": 120,
            "active": True,
        },
    )
    ServiceOffice.objects.get_or_create(service=service, office=office)
    ensure_slots(service, start=today + dt.timedelta(days=1), days=60)
    ids = list(
        AppointmentSlot.objects.filter(service=service, booked=0)
        .order_by("starts_at")
        .values_list("id", flat=True)
    )
    return ids[10:], ids[:10], service.pk


def database_check(service_id: int, measured: list[int]) -> dict:
    """Every slot of the service checked against its bookings; the bookings of the measured slots."""
    from django.db.models import Count, F, Q

    from cityportal.appointments.models import AppointmentSlot, Booking

    slots = AppointmentSlot.objects.filter(service_id=service_id).annotate(
        active=Count("bookings", filter=Q(bookings__status="active"))
    )
    return {
        "overbooked_slots": slots.filter(active__gt=F("capacity")).count(),
        "counter_mismatches": slots.exclude(active=F("booked")).count(),
        "full_slots": slots.filter(pk__in=measured, active=F("capacity")).count(),
        "bookings": Booking.objects.filter(slot_id__in=measured, status="active").count(),
    }


# --- The clients --------------------------------------------------------------------------------------


@dataclass
class Answers:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # by status ("201", "409", "error")
    elapsed: float = 0.0
    sent: int = 0
    first_unexpected: str = ""  # the body of the first answer other than 201 and 409, to explain it

    def add(self, status: str, seconds: float, body: str) -> None:
        self.latencies.setdefault(status, []).append(seconds)
        if status not in ("201", "409") and not self.first_unexpected:
            self.first_unexpected = f"{status} {body[:500]}"

    def count(self, status: str) -> int:
        return len(self.latencies.get(status, []))

    def all(self) -> list[float]:
        return [seconds for values in self.latencies.values() for seconds in values]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def letters(number: int) -> str:
    """A number written in letters A–Z (names may not contain digits)."""
    text = ""
    while True:
        number, digit = divmod(number, 26)
        text = chr(65 + digit) + text
        if not number:
            return text


def booking_body(number: int, slot_id: int, run: str) -> bytes:
    return json.dumps(
        {
            "slot": slot_id,
            "full_name": f"BENCH PERSON {letters(number)}",
            "nationality": "DE",
            "document_type": "passport",
            "document_number": f"B{run}{number:08d}",
            "email": f"bench{number}@example.org",
            "phone": "+49 30 1234 5678",
            "language": random.choice(["en", "ar", "zh-hans", "ru"]),
            "consent": True,
        }
    ).encode()


def post_booking(connection: http.client.HTTPConnection, body: bytes) -> tuple[str, float, str]:
    """(status, seconds, answer body) of one booking request."""
    start = time.perf_counter()
    try:
        connection.request(
            "POST", "/api/v1/bookings/", body=body, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        status = str(response.status)
        if response.will_close:
            connection.close()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        status, text = "error", repr(error)
    return status, time.perf_counter() - start, text


def book(port: int, slots: list[int], attempts: int, clients: int, seconds: float, run: str) -> Answers:
    """`attempts` bookings over `clients` threads at random slots, or fewer if `seconds` runs out."""
    answers = Answers()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    stop = threading.Event()

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                with lock:
                    if answers.sent >= attempts:
                        return
                    answers.sent += 1
                    number = answers.sent
                status, latency, text = post_booking(
                    connection, booking_body(number, random.choice(slots), run)
                )
                with lock:
                    answers.add(status, latency, text)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():  # short joins so Ctrl+C reaches the main thread
                thread.join(0.2)
    except BaseException:
        stop.set()
        raise
    answers.elapsed = time.perf_counter() - start
    return answers


def warm_up(port: int, slots: list[int], workers: int, run: str) -> None:
    """A few bookings per worker first: imports, templates and connections are ready before measuring."""
    answers = book(port, slots, attempts=workers * 4, clients=workers, seconds=60, run=run + "W")
    unexpected = {status for status in answers.latencies if status not in ("201", "409")}
    if unexpected:
        raise SetupError(
            f"warm-up bookings answered {sorted(unexpected)}, e.g. {answers.first_unexpected}; "
            "see also the gunicorn log"
        )


# --- CPU time -------------------------------------------------------------------------------------------


class DatabaseCpu:
    """User + system CPU of the PostgreSQL backends serving the scratch database while it runs (none
    on SQLite, whose work is done inside the gunicorn workers). Backends come and go (a worker
    reconnects after CONN_MAX_AGE), so each one is sampled every quarter of a second by a thread."""

    def __init__(self, postgresql: bool):
        self.postgresql = postgresql
        self.first: dict[int, int] = {}  # pid -> clock ticks when first seen (0 if born during the run)
        self.last: dict[int, int] = {}
        self.running = False
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def __enter__(self) -> "DatabaseCpu":
        if self.postgresql:
            self.first = self.backends()
            self.last = dict(self.first)
            self.running = True
            self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        if self.running:
            self.running = False
            self.thread.join()
            self.sample()

    def loop(self) -> None:
        while self.running:
            self.sample()
            time.sleep(0.25)

    def sample(self) -> None:
        for pid, ticks in self.backends().items():
            self.first.setdefault(pid, 0)
            self.last[pid] = ticks

    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last) / CLOCK_TICKS

    @staticmethod
    def backends() -> dict[int, int]:
        ticks = {}
        for process in Path("/proc").iterdir():
            if not process.name.isdigit():
                continue
            try:
                command = (process / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            # e.g. "postgres: 15/main: postgres bench_bookings 127.0.0.1(43832) idle"
            if command.startswith("postgres: ") and f" {SCRATCH_DATABASE} " in command:
                fields = read_stat(int(process.name))
                if fields:
                    ticks[int(process.name)] = int(fields[11]) + int(fields[12])
        return ticks


def cpu_figures(cpu: tuple[float, float], requests: int, cores: int, *, postgresql: bool) -> dict:
    """CPU time per booking request, which other load on the machine hardly changes (unlike latency),
    and the rate the server could reach if it had every core to itself (clients not included)."""
    workers_ms = cpu[0] * 1000 / requests
    database_ms = cpu[1] * 1000 / requests if postgresql else 0.0
    return {
        "workers_cpu_ms_per_request": round(workers_ms, 1),
        "database_cpu_ms_per_request": round(database_ms, 1) if postgresql else None,
        "requests_per_second_if_all_cores": round(cores * 1000 / (workers_ms + database_ms), 1),
    }


# --- Report --------------------------------------------------------------------------------------------


def figures(answers: Answers, check: dict) -> dict:
    every = answers.all()
    by_status = {status: len(values) for status, values in sorted(answers.latencies.items())}
    latency = {
        status: {
            "median_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        }
        for status, values in [("all", every), *sorted(answers.latencies.items())]
        if values
    }
    return {
        "requests": len(every),
        "seconds": round(answers.elapsed, 2),
        "bookings_per_second": round(answers.count("201") / answers.elapsed, 1),
        "requests_per_second": round(len(every) / answers.elapsed, 1),
        "answers_by_status": by_status,
        "latency": latency,
        "unexpected_answers": sum(
            count for status, count in by_status.items() if status not in ("201", "409")
        ),
        "first_unexpected_answer": answers.first_unexpected,
        "bookings_answered_201": answers.count("201"),
        **check,
    }


def print_report(result: dict, info: dict, arguments: argparse.Namespace) -> None:
    print(
        f"\nResults: {info['database']}, {arguments.workers} gunicorn sync workers, "
        f"{arguments.clients} clients"
    )
    print(
        f"  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; Python {info['python']}, "
        f"Django {info['django']}, gunicorn {info['gunicorn']}; {info['date']}"
    )
    print(
        f"  {result['requests']} booking requests at {arguments.slots} slots of {arguments.capacity} places "
        f"in {result['seconds']:.1f} s; load average {info['load_average_before_booking']:.1f} before them"
    )
    print()
    print(
        f"  bookings/s (201):   {result['bookings_per_second']:>8.1f}   "
        f"(aim ≥ {AIM_BOOKINGS_PER_SECOND} on PostgreSQL)"
    )
    print(f"  requests/s:         {result['requests_per_second']:>8.1f}")
    database_ms = result["database_cpu_ms_per_request"]
    print(
        f"  server CPU per request: {result['workers_cpu_ms_per_request']:.1f} ms in the gunicorn workers"
        + (f" + {database_ms:.1f} ms in PostgreSQL" if database_ms is not None else " (SQLite included)")
        + f"; with all {info['cores']} cores to itself the server would answer about "
        f"{result['requests_per_second_if_all_cores']:.0f} requests/s"
    )
    print(f"  {'answers':<10} {'count':>7} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8}")
    for status, latency in result["latency"].items():
        count = result["requests"] if status == "all" else result["answers_by_status"][status]
        print(
            f"  {status:<10} {count:>7} {latency['median_ms']:>10.1f} {latency['p95_ms']:>8.1f} "
            f"{latency['p99_ms']:>8.1f}"
        )
    print()
    print(f"  overbooked slots (active bookings > places):   {result['overbooked_slots']}  (must be 0)")
    print(f"  slots whose counter disagrees with bookings:   {result['counter_mismatches']}  (must be 0)")
    print(
        f"  201 answers / active bookings in the database: {result['bookings_answered_201']} / "
        f"{result['bookings']} (must be equal); full slots: {result['full_slots']}"
    )
    if result["unexpected_answers"]:
        print(f"  WARNING: {result['unexpected_answers']} answers other than 201 and 409, the first:")
        print(f"    {result['first_unexpected_answer']}")


def main() -> int:
    arguments = parse_arguments()
    check_installation()
    info = machine()
    print("cityportal booking benchmark")
    print(f"  machine:  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM")
    print(f"  software: Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}")
    if info["load_average_at_start"] > 0.5:
        print(
            f"  warning:  load average {info['load_average_at_start']:.1f} before the benchmark: other "
            "processes use the CPU, so the figures will be lower and noisier"
        )

    print("\nPreparing a throw-away portal")
    environment = scratch.prepare(arguments.database_url, "", log, database_name=SCRATCH_DATABASE)
    environment.env.update(EXTRA_SETTINGS)
    server = None
    try:
        queries.setup_django(environment.env)
        info["database"] = queries.database_description()
        log(f"database: {info['database']}")
        log("Making the benchmark service and its slots…")
        slots, warm_up_slots, service_id = make_service(arguments.capacity)
        if len(slots) < arguments.slots:
            raise SetupError(f"only {len(slots)} slots were made; ask for fewer with --slots")
        slots = slots[: arguments.slots]
        queries.close_connections()

        print(f"\nStarting gunicorn ({arguments.workers} sync workers)")
        server = Gunicorn(environment.env, arguments.workers, environment.root / "gunicorn.log")
        server.start()
        log(f"listening on 127.0.0.1:{server.port}, workers {server.worker_pids()}")
        run = dt.datetime.now(dt.UTC).strftime("%H%M%S")
        warm_up(server.port, warm_up_slots, arguments.workers, run)
        # The load that counts is the one while booking: the set-up above takes minutes.
        info["load_average_before_booking"] = round(os.getloadavg()[0], 2)
        log(
            f"booking: {arguments.attempts} requests from {arguments.clients} clients "
            f"(load average {info['load_average_before_booking']:.1f})…"
        )
        workers = server.worker_pids()
        workers_before = server.cpu_seconds(workers)
        with DatabaseCpu(postgresql=bool(arguments.database_url)) as database_cpu:
            answers = book(server.port, slots, arguments.attempts, arguments.clients, arguments.seconds, run)
        cpu = server.cpu_seconds(workers) - workers_before, database_cpu.seconds()
        if server.worker_pids() != workers:
            raise SetupError(f"a gunicorn worker restarted during the run:\n{server.log_tail()}")
        server.stop()
        result = figures(answers, database_check(service_id, slots))
        result |= cpu_figures(cpu, len(answers.all()), info["cores"], postgresql=bool(arguments.database_url))
    finally:
        if server is not None:
            server.stop()
        queries.close_connections()
        scratch.cleanup(environment, log)

    info["load_average_at_end"] = round(os.getloadavg()[0], 2)
    print_report(result, info, arguments)
    RESULTS_DIR.mkdir(exist_ok=True)
    output = RESULTS_DIR / f"bookings-{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d-%H%M%S')}.json"
    document = {
        "benchmark": "bookings",
        "machine": info,
        "settings": {
            "DJANGO_SETTINGS_MODULE": environment.env["DJANGO_SETTINGS_MODULE"],
            **EXTRA_SETTINGS,
            "workers": arguments.workers,
            "worker_class": "sync",
            "clients": arguments.clients,
            "attempts": arguments.attempts,
            "slots": arguments.slots,
            "capacity": arguments.capacity,
        },
        "aims": {"bookings_per_second_postgresql": AIM_BOOKINGS_PER_SECOND, "overbooked_slots": 0},
        "result": result,
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\n  results written to {output.relative_to(REPO)}")
    correct = (
        result["overbooked_slots"] == 0
        and result["counter_mismatches"] == 0
        and result["bookings_answered_201"] == result["bookings"]
        and result["unexpected_answers"] == 0
    )
    return 0 if correct else 1


if __name__ == "__main__":
    entry.run(main)
