"""cityportal foundation benchmark: what one public page view costs the server.

Run it with `make bench` (or `.venv/bin/python bench/run.py --help` for the options). It

1. builds a throw-away portal in a temp dir: a fresh database migrated and filled by `load_demo`,
   static files collected, production settings (DEBUG off, a random SECRET_KEY, no SSL redirect,
   ALLOWED_HOSTS=127.0.0.1,localhost). SQLite and the local-memory cache by default;
   --database-url postgres://user@host:5432/postgres uses a scratch database `bench_cityportal` on
   that server (created, then dropped), --redis-url redis://127.0.0.1:6379/1 uses Redis as the cache;
2. counts the database queries of one view of each page in this process (Django's test client),
   with the cache just emptied ("cold") and filled ("warm");
3. starts gunicorn (sync workers, 2 by default) on a free 127.0.0.1 port, with no page or HTTP cache
   in front; only fragment caches and cached lookups keyed by the site version are in use;
4. for the home page and the `work` section in English, Arabic and Simplified Chinese (those that
   exist in the demo): warms up, then measures the workers' CPU time over sequential requests
   (user + system, from /proc/<pid>/stat) and the latency and throughput at 2 concurrent connections;
5. prints a table and writes the same figures as JSON to bench/results/foundation-<date>-<time>.json.

Aims: under 10 ms of server CPU per page view, and a small query count that does not grow with content.
Every request loop is bounded in count and time and only ever talks to 127.0.0.1. gunicorn, the temp
dir and the scratch database are removed on exit, also after an error or Ctrl+C. With --redis-url the
benchmark deletes the keys under the portal's prefix (`cityportal:`) in that Redis database, to empty
the cache and to clean up: give it a database nothing else uses. --show-sql prints the SQL of each
warm page view grouped by shape (the JSON has the SQL of the cold and warm views).

Modules: scratch.py (the throw-away portal), server.py (gunicorn, /proc CPU times), load.py (request
loops), queries.py (in-process query counts).
"""

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import entry
import load
import queries
import scratch
from scratch import REPO, SetupError
from server import Gunicorn, gunicorn_path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PAGES = [("home", "/{language}/"), ("work", "/{language}/work/")]
LANGUAGES = ["en", "ar", "zh-hans"]
# Template fragments (portal_header, portal_footer, home_main, section_children, content_children)
# and cached lookups (the Site, each page's family), all keyed by the site version (ADR 006).
FRAGMENT_CACHES = [
    "portal_header",
    "portal_footer",
    "home_main",
    "section_children",
    "content_children",
    "site lookup",
    "page family",
]
CPU_AIM_MS = 10.0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per page for CPU")
    parser.add_argument(
        "--concurrent-requests", type=int, default=400, help="requests per page at 2 connections"
    )
    parser.add_argument("--connections", type=int, default=2, help="concurrent connections (default 2)")
    parser.add_argument("--warmup", type=int, default=30, help="warm-up requests per page")
    parser.add_argument("--seconds", type=float, default=30, help="time limit of each request loop")
    parser.add_argument("--database-url", default="", help="PostgreSQL server for a scratch database")
    parser.add_argument("--redis-url", default="", help="Redis database to use as the cache")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of each warm page view")
    arguments = parser.parse_args()
    for name in ("workers", "requests", "concurrent_requests", "connections", "warmup", "seconds"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return arguments


def log(message: str) -> None:
    print(f"  {message}", flush=True)


def machine() -> dict:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "wagtail": metadata.version("wagtail"),
        "gunicorn": metadata.version("gunicorn"),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


def check_installation() -> None:
    try:
        metadata.version("django")
    except metadata.PackageNotFoundError:
        raise SetupError(
            f"Django is not installed for {sys.executable}: run make install first, then run this "
            "with .venv/bin/python (or make bench)."
        ) from None
    gunicorn_path()


def measure_page(server: Gunicorn, path: str, arguments: argparse.Namespace) -> dict:
    port = server.port
    load.run(port, path, arguments.connections, arguments.warmup, arguments.seconds)
    pids = server.worker_pids()
    cpu_before = server.cpu_seconds(pids)
    sequential = load.run(port, path, 1, arguments.requests, arguments.seconds)
    cpu_used = server.cpu_seconds(pids) - cpu_before
    if server.worker_pids() != pids:
        raise SetupError(
            f"a gunicorn worker restarted while measuring {path} (log above); fix the cause, run again.\n"
            + server.log_tail()
        )
    parallel = load.run(port, path, arguments.connections, arguments.concurrent_requests, arguments.seconds)
    return {
        "cpu_ms_per_request": round(cpu_used * 1000 / sequential.count, 2),
        "sequential_requests": sequential.count,
        "sequential_median_ms": round(sequential.median_ms, 2),
        "median_ms": round(parallel.median_ms, 2),
        "p95_ms": round(parallel.p95_ms, 2),
        "throughput_rps": round(parallel.throughput, 1),
        "concurrent_requests": parallel.count,
        "connections_opened": parallel.connections,
    }


def print_header(info: dict, arguments: argparse.Namespace) -> None:
    print("cityportal foundation benchmark")
    print(f"  machine:  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM")
    print(
        f"  software: Python {info['python']}, Django {info['django']}, Wagtail {info['wagtail']}, "
        f"gunicorn {info['gunicorn']} ({arguments.workers} sync workers)"
    )
    print(f"  date:     {info['date']}")
    load_average = info["load_average_at_start"]
    if load_average > 0.5:
        print(
            f"  warning:  load average {load_average:.1f} before the benchmark: other processes use the "
            "CPU, so latency and throughput will be noisy (CPU ms/req much less so)"
        )
    print(f"  aims:     under {CPU_AIM_MS:.0f} ms server CPU per request; a fixed, small query count")


def print_table(rows: list[dict], info: dict, arguments: argparse.Namespace) -> None:
    print(f"\nResults: {info['database']}, {info['cache']} cache, {arguments.workers} gunicorn sync workers")
    print(
        f"  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; Python {info['python']}, "
        f"Django {info['django']}, Wagtail {info['wagtail']}; {info['date']}"
    )
    print(f"  fragment caches in use: {', '.join(FRAGMENT_CACHES)} ({info['cache']}); no page or HTTP cache")
    print()
    print(
        f"{'page':<6} {'lang':<8} {'CPU ms/req':>10} {'median ms':>10} {'p95 ms':>8} "
        f"{'queries cold/warm':>18} {'req/s @' + str(arguments.connections):>9}"
    )
    print("-" * 75)
    for row in rows:
        queries_text = f"{row['queries_cold']}/{row['queries_warm']}"
        print(
            f"{row['page']:<6} {row['language']:<8} {row['cpu_ms_per_request']:>10.1f} "
            f"{row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} {queries_text:>18} "
            f"{row['throughput_rps']:>9.1f}"
        )
    print()
    print(
        f"  CPU ms/req: the gunicorn workers' user+system CPU over {arguments.requests} sequential requests "
        "(the database server and Redis not included)."
    )
    opened = sum(row["connections_opened"] for row in rows)
    sent = sum(row["concurrent_requests"] for row in rows)
    print(
        f"  median, p95, req/s: {arguments.concurrent_requests} requests over {arguments.connections} "
        f"keep-alive connections, client on the same machine ({opened} connections opened for {sent} "
        "requests: gunicorn's sync workers close the connection after each response)."
    )


def print_cut_short(rows: list[dict], arguments: argparse.Namespace) -> None:
    for row in rows:
        for done, asked, what in (
            (row["sequential_requests"], arguments.requests, "sequential"),
            (row["concurrent_requests"], arguments.concurrent_requests, "concurrent"),
        ):
            if done < asked:
                print(
                    f"  note: {row['path']} {what}: only {done} of {asked} requests within the "
                    f"{arguments.seconds:.0f} s limit"
                )


def print_aims(rows: list[dict]) -> None:
    worst = max(rows, key=lambda row: row["cpu_ms_per_request"])
    over = [row for row in rows if row["cpu_ms_per_request"] >= CPU_AIM_MS]
    verdict = "met" if not over else f"NOT met on {len(over)} of {len(rows)} pages"
    print(
        f"  aim CPU < {CPU_AIM_MS:.0f} ms/request: {verdict} "
        f"(highest {worst['cpu_ms_per_request']:.1f} ms, {worst['page']} {worst['language']})"
    )
    for page in dict.fromkeys(row["page"] for row in rows):
        same_page = [row for row in rows if row["page"] == page]
        warm = ", ".join(f"{row['language']} {row['queries_warm']}" for row in same_page)
        cold = ", ".join(f"{row['language']} {row['queries_cold']}" for row in same_page)
        print(f"  queries {page}: warm {warm}; cold {cold}")


def print_sql(path: str, sql: list[str]) -> None:
    print(f"\n  SQL of a warm view of {path} ({len(sql)} queries), grouped by shape:")
    for times, statement in queries.grouped(sql):
        print(f"    {times}×  {statement}")


def main() -> int:
    arguments = parse_arguments()
    check_installation()
    info = machine()
    print_header(info, arguments)
    candidates = [
        (page, language, pattern.format(language=language))
        for page, pattern in PAGES
        for language in LANGUAGES
    ]

    print("\nPreparing a throw-away portal")
    environment = scratch.prepare(arguments.database_url, arguments.redis_url, log)
    server = None
    try:
        queries.setup_django(environment.env)
        from django.conf import settings

        if settings.DEBUG:
            raise SetupError("DEBUG is on in the benchmark settings; it must be off to measure production.")
        info["database"] = queries.database_description()
        info["cache"] = "Redis" if arguments.redis_url else "local-memory per worker"
        print(f"  database: {info['database']}; cache: {info['cache']}")
        fragments = ", ".join(FRAGMENT_CACHES)
        print(f"  fragment caches in use: {fragments} ({info['cache']}); no page or HTTP cache")

        print("\nCounting queries in-process (django.test.Client, cache emptied, then warm)")
        counts = queries.count([path for _page, _language, path in candidates])
        pages = []
        for page, language, path in candidates:
            status = counts[path].status
            if status == 200:
                pages.append((page, language, path))
                log(f"{path}: {counts[path].cold} queries cold, {counts[path].warm} warm")
            elif status == 404:
                log(f"{path}: not in the demo content yet (404), skipped")
            else:
                raise SetupError(f"{path} answered {status} in-process; fix the page, then run again.")
        if not pages:
            raise SetupError("None of the benchmark pages exists: check that load_demo built the site.")
        queries.close_connections()

        print(f"\nStarting gunicorn ({arguments.workers} sync workers)")
        server = Gunicorn(environment.env, arguments.workers, environment.root / "gunicorn.log")
        server.start()
        log(f"listening on 127.0.0.1:{server.port}, workers {server.worker_pids()}")

        rows = []
        for number, (page, language, path) in enumerate(pages, start=1):
            log(
                f"[{number}/{len(pages)}] {path}: warm-up {arguments.warmup}, "
                f"{arguments.requests} sequential, {arguments.concurrent_requests} at "
                f"{arguments.connections} connections…"
            )
            figures = measure_page(server, path, arguments)
            rows.append(
                {
                    "page": page,
                    "language": language,
                    "path": path,
                    **figures,
                    "queries_cold": counts[path].cold,
                    "queries_warm": counts[path].warm,
                }
            )
        server.stop()
    finally:
        if server is not None:
            server.stop()
        if arguments.redis_url:
            queries.forget_redis_keys()
        queries.close_connections()
        scratch.cleanup(environment, log)

    print_table(rows, info, arguments)
    print_cut_short(rows, arguments)
    print_aims(rows)
    info["load_average_at_end"] = round(os.getloadavg()[0], 2)
    for note in environment.notes:
        print(f"  note: {note}")
    if arguments.show_sql:
        for _page, _language, path in pages:
            print_sql(path, counts[path].warm_sql)

    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%S")
    output = RESULTS_DIR / f"foundation-{stamp}.json"
    document = {
        "benchmark": "foundation",
        "machine": info,
        "settings": {
            "DJANGO_SETTINGS_MODULE": environment.env["DJANGO_SETTINGS_MODULE"],
            "workers": arguments.workers,
            "worker_class": "sync",
            "connections": arguments.connections,
            "sequential_requests": arguments.requests,
            "concurrent_requests": arguments.concurrent_requests,
            "warmup_requests": arguments.warmup,
            "seconds_limit": arguments.seconds,
            "fragment_caches": FRAGMENT_CACHES,
        },
        "aims": {"cpu_ms_per_request_below": CPU_AIM_MS, "queries": "fixed and small"},
        "pages": rows,
        "notes": environment.notes,
        "skipped": [path for path in counts if counts[path].status != 200],
        "warm_sql": {path: counts[path].warm_sql for _page, _language, path in pages},
        "cold_sql": {path: counts[path].cold_sql for _page, _language, path in pages},
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\n  results written to {output.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    entry.run(main)
