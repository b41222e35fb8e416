"""cityportal procedures benchmark: guide, section and browse pages on a site with 300 guides × 9 languages.

Run it with `.venv/bin/python bench/procedures.py` (`--help` for the options; `make bench` runs it after
the foundation benchmark). It

1. builds a throw-away portal like the foundation benchmark (scratch.py: production settings, a fresh
   database, `load_demo`, static files), then `manage.py generate_procedures --count 300`: 300
   synthetic guides in nine languages (2,700 guide pages) with 20 departments and 60 offices, through
   the catalogue import. SQLite by default; --database-url postgres://… uses a scratch database
   `bench_procedures` on that server (created, then dropped; never `test`);
2. in this process, with Django's test client against the same database and settings, times each page
   (server time: Django's whole request handling, wall clock, and this process's CPU) and counts its
   database queries in three states:
     uncached    Django's cache emptied before each request: every fragment, the site version, the
                 Site lookup and Wagtail's site root paths are rebuilt (the first view after a deploy);
     first view  the language's shared caches warm (header, footer, Site), the page's own not: each
                 request asks for a different guide (or a different browse filter) than any before;
     warm        the same page again;
3. starts gunicorn (2 sync workers) and measures, as the foundation benchmark does, the workers' CPU
   ms per request over sequential requests and the latency at 2 concurrent connections: of each page
   warm, and of first views of distinct guides;
4. prints the tables and the aims, and writes bench/results/procedures-<date>-<time>.json (with the
   SQL of every counted view).

Aims (issue 4): a guide page under 15 ms median server time uncached with at most 15 queries; query
counts that do not grow with the number of guides, materials, steps or offices.
--keep leaves the scratch SQLite portal in place and --reuse DIR measures it again without rebuilding
it (the build takes 10–15 minutes of CPU: about 1.5 s per generated guide).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import entry
import load
import queries
import scratch
from run import RESULTS_DIR, check_installation, log, machine, measure_page
from scratch import REPO, Scratch, SetupError
from server import HOST, Gunicorn

SCRATCH_DATABASE = "bench_procedures"
FILTER = "section=work&audience=employees"
GUIDE_AIM_MS = 15.0
GUIDE_AIM_QUERIES = 15
GENERATE_LIMIT_SECONDS = 3600
SECTIONS = ["invest", "work", "study", "live", "travel", "consume"]
AUDIENCES = ["investors", "employees", "students", "residents", "tourists", "consumers"]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=300, help="generated guides (default 300)")
    parser.add_argument("--samples", type=int, default=60, help="in-process requests per page and state")
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
    parser.add_argument(
        "--show-sql", action="store_true", help="print the SQL of uncached guide and browse views, timed"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite portal (prints where)")
    parser.add_argument(
        "--reuse", type=Path, help="measure a portal kept with --keep instead of building one"
    )
    arguments = parser.parse_args()
    for name in ("guides", "samples", "workers", "requests", "concurrent_requests", "connections", "warmup"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 3 <= arguments.guides <= 9999:
        parser.error("--guides must be between 3 and 9999")
    if (arguments.keep or arguments.reuse) and arguments.database_url:
        parser.error("--keep and --reuse work with SQLite only")
    return arguments


# --- the scratch portal ---------------------------------------------------------------------------


def build(arguments: argparse.Namespace) -> Scratch:
    if arguments.reuse:
        return reuse(arguments)
    environment = scratch.prepare(
        arguments.database_url, arguments.redis_url, log, database_name=SCRATCH_DATABASE
    )
    try:
        generate(environment.env, arguments.guides)
    except BaseException:
        scratch.cleanup(environment, log)
        raise
    if arguments.keep:
        (environment.root / "env.json").write_text(json.dumps(environment.env, indent=1))
    return environment


def reuse(arguments: argparse.Namespace) -> Scratch:
    path = arguments.reuse / "env.json"
    if not path.exists():
        raise SetupError(f"{arguments.reuse} is not a portal kept with --keep (no env.json).")
    env = json.loads(path.read_text())
    if arguments.redis_url:
        scratch.check_redis(arguments.redis_url)
        env["REDIS_URL"] = arguments.redis_url
    else:
        env.pop("REDIS_URL", None)
    log(f"Reusing the scratch portal in {arguments.reuse}")
    return Scratch(arguments.reuse, env, database="sqlite")


def generate(env: dict[str, str], count: int) -> None:
    """generate_procedures with its progress shown as it goes, stopped after an hour."""
    log(f"Generating {count} guides × 9 languages (generate_procedures; about 1.5 s of CPU per guide)…")
    command = [sys.executable, str(REPO / "manage.py"), "generate_procedures", f"--count={count}"]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    watchdog = threading.Timer(GENERATE_LIMIT_SECONDS, process.kill)
    watchdog.start()
    lines = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip())
            log(f"  {line.strip()}")
        process.wait()
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        print("\n".join(lines[-30:]), file=sys.stderr)
        raise SetupError(
            f"generate_procedures failed or took over {GENERATE_LIMIT_SECONDS // 60} minutes "
            "(output above); fix the cause and run again."
        )


# --- the pages ------------------------------------------------------------------------------------


@dataclass
class Page:
    kind: str  # guide, section, browse
    language: str
    path: str
    first_views: list[str] = field(default_factory=list)  # other pages of the kind, never viewed before


def guide_code(n: int) -> str:
    return f"generated-{n:04d}"


def pages(guides: int) -> list[Page]:
    measured = guides // 2
    others = [n for n in range(1, guides + 1) if n != measured]
    combinations = [f"section={s}&audience={a}" for s in SECTIONS for a in AUDIENCES]
    combinations.remove(FILTER)
    result = []
    for language in ("en", "ar", "zh-hans"):
        result.append(
            Page(
                "guide",
                language,
                f"/{language}/guides/{guide_code(measured)}/",
                [f"/{language}/guides/{guide_code(n)}/" for n in others],
            )
        )
    result.append(Page("section", "en", "/en/work/"))
    result.append(Page("section", "ar", "/ar/work/"))
    for language in ("en", "ar"):
        result.append(
            Page(
                "browse",
                language,
                f"/{language}/guides/?{FILTER}",
                [f"/{language}/guides/?{combination}" for combination in combinations],
            )
        )
    result.append(Page("browse all", "en", "/en/guides/"))
    return result


# --- in-process timing and query counts -----------------------------------------------------------


@dataclass
class Timings:
    wall: list[float] = field(default_factory=list)  # ms
    cpu: list[float] = field(default_factory=list)  # ms

    def summary(self) -> dict:
        if not self.wall:
            return {}
        ordered = sorted(self.wall)
        return {
            "median_ms": round(statistics.median(self.wall), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
            "cpu_median_ms": round(statistics.median(self.cpu), 2),
            "requests": len(self.wall),
        }


def view(client, path: str, timings: Timings | None = None) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    if timings is not None:
        timings.wall.append((time.perf_counter() - wall) * 1000)
        timings.cpu.append((time.process_time() - cpu) * 1000)
    if response.status_code != 200:
        raise SetupError(f"{path} answered {response.status_code} in-process; check it under `make run`.")


def counted(client, path: str) -> list[dict]:
    """The queries of one view, each with its time as the database driver saw it (round trip)."""
    from django.db import connection

    captured = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append({"sql": sql, "ms": round((time.perf_counter() - start) * 1000, 3)})

    with connection.execute_wrapper(timed):
        view(client, path)
    return captured


def in_process(page: Page, samples: int) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    uncached, first, warm = Timings(), Timings(), Timings()
    view(client, page.path)  # imports and template loading happen once per process, not per view
    for _ in range(samples):
        queries.clear_cache()
        view(client, page.path, uncached)
    queries.clear_cache()
    uncached_sql = counted(client, page.path)
    warm_sql = counted(client, page.path)
    for _ in range(samples):
        view(client, page.path, warm)
    first_sql = []
    if len(page.first_views) > 1:
        # Drawn from the end: the gunicorn part below takes its first views from the start.
        unseen = page.first_views[::-1][: samples + 1]
        first_sql = counted(client, unseen[0])
        for path in unseen[1:]:
            view(client, path, first)
    return {
        "uncached": uncached.summary(),
        "first_view": first.summary(),
        "warm": warm.summary(),
        "queries_uncached": len(uncached_sql),
        "queries_first_view": len(first_sql) if first_sql else None,
        "queries_warm": len(warm_sql),
        "sql": {"uncached": uncached_sql, "first_view": first_sql, "warm": warm_sql},
    }


# --- gunicorn: first views of distinct pages ------------------------------------------------------


def run_paths(port: int, paths: list[str], connections: int, seconds: float) -> load.Run:
    """Each path once, over `connections` keep-alive connections, within `seconds`."""
    import http.client

    result = load.Run()
    pending = iter(paths)
    lock = threading.Lock()
    errors: list[BaseException] = []
    deadline = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while not errors and time.monotonic() < deadline:
                with lock:
                    path = next(pending, None)
                if path is None:
                    return
                latency, reconnect = load.one_request(connection, path)
                with lock:
                    result.latencies.append(latency)
                    result.connections += reconnect
        except BaseException as error:  # noqa: BLE001 - handed to the main thread, which raises it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.2)
    result.elapsed = time.perf_counter() - start
    if errors:
        raise load.LoadError(str(errors[0])) from errors[0]
    return result


def measure_first_views(server: Gunicorn, page: Page, arguments: argparse.Namespace) -> dict:
    """Half of the unseen pages sequentially for CPU, the other half at 2 connections for latency."""
    # The in-process part viewed the last samples + 1 of them.
    unseen = page.first_views[: max(0, len(page.first_views) - arguments.samples - 1)]
    half = len(unseen) // 2
    if half == 0:
        return {}
    sequential_paths = unseen[:half][: arguments.requests]
    parallel_paths = unseen[half:][: arguments.concurrent_requests]
    pids = server.worker_pids()
    cpu_before = server.cpu_seconds(pids)
    sequential = run_paths(server.port, sequential_paths, 1, arguments.seconds)
    cpu_used = server.cpu_seconds(pids) - cpu_before
    parallel = run_paths(server.port, parallel_paths, arguments.connections, arguments.seconds)
    return {
        "cpu_ms_per_request": round(cpu_used * 1000 / sequential.count, 2),
        "sequential_requests": sequential.count,
        "median_ms": round(parallel.median_ms, 2),
        "p95_ms": round(parallel.p95_ms, 2),
        "concurrent_requests": parallel.count,
    }


# --- output ---------------------------------------------------------------------------------------


def cell(figures: dict, key: str) -> str:
    return f"{figures[key]:.1f}" if figures.get(key) is not None else "—"


def print_results(rows: list[dict], info: dict, arguments: argparse.Namespace) -> None:
    print(
        f"\nResults: {info['database']}, {info['cache']}; {arguments.guides} generated guides × 9 languages"
    )
    print(
        f"  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM; Python {info['python']}, "
        f"Django {info['django']}, Wagtail {info['wagtail']}; {info['date']}; load average "
        f"{info['load_average_at_start']} at the start"
    )
    print("\nServer time in-process (ms, wall clock; median / p95 and this process's CPU median), queries")
    print(
        f"{'page':<11} {'lang':<8} {'uncached':>17} {'first view':>17} {'warm':>17}   "
        f"{'queries unc/first/warm':>22}"
    )
    print("-" * 100)
    for row in rows:
        states = []
        for state in ("uncached", "first_view", "warm"):
            figures = row["in_process"][state]
            median, p95, cpu = (cell(figures, key) for key in ("median_ms", "p95_ms", "cpu_median_ms"))
            states.append(f"{median:>5}/{p95:>5} ({cpu:>4})" if figures else "—")
        counts = "/".join(
            str(row["in_process"][key]) if row["in_process"][key] is not None else "—"
            for key in ("queries_uncached", "queries_first_view", "queries_warm")
        )
        columns = " ".join(f"{state:>17}" for state in states)
        print(f"{row['kind']:<11} {row['language']:<8} {columns}   {counts:>22}")
    print(
        f"\ngunicorn, {arguments.workers} sync workers: CPU ms/req over sequential requests; median, p95 "
        f"and req/s at {arguments.connections} connections"
    )
    print(
        f"{'page':<11} {'lang':<8} {'warm CPU':>9} {'median':>7} {'p95':>7} {'req/s':>6}   "
        f"{'first-view CPU':>15} {'median':>7} {'p95':>7}"
    )
    print("-" * 92)
    for row in rows:
        warm, first = row["gunicorn"]["warm"], row["gunicorn"].get("first_view") or {}
        print(
            f"{row['kind']:<11} {row['language']:<8} {warm['cpu_ms_per_request']:>9.1f} "
            f"{warm['median_ms']:>7.1f} {warm['p95_ms']:>7.1f} {warm['throughput_rps']:>6.1f}   "
            f"{cell(first, 'cpu_ms_per_request'):>15} {cell(first, 'median_ms'):>7} "
            f"{cell(first, 'p95_ms'):>7}"
        )


def print_aims(rows: list[dict]) -> None:
    print()
    for row in rows:
        if row["kind"] != "guide":
            continue
        figures = row["in_process"]
        median, count = figures["uncached"]["median_ms"], figures["queries_uncached"]
        met = median < GUIDE_AIM_MS and count <= GUIDE_AIM_QUERIES
        print(
            f"  aim guide page uncached < {GUIDE_AIM_MS:.0f} ms median, ≤ {GUIDE_AIM_QUERIES} queries "
            f"({row['language']}): {'met' if met else 'NOT met'} ({median:.1f} ms, {count} queries; "
            f"first view {cell(figures['first_view'], 'median_ms')} ms, "
            f"{figures['queries_first_view']} queries)"
        )


def print_sql(rows: list[dict]) -> None:
    for row in rows:
        if row["kind"] not in ("guide", "browse") or row["language"] != "en":
            continue
        for state in ("uncached", "first_view"):
            sql = row["in_process"]["sql"][state]
            total = sum(query["ms"] for query in sql)
            print(
                f"\n  SQL of a {state.replace('_', ' ')} view of {row['path']}: "
                f"{len(sql)} queries, {total:.1f} ms"
            )
            for query in sql:
                print(f"    {query['ms']:6.2f} ms  {queries.shape(query['sql'])}")


def main() -> int:
    arguments = parse_arguments()
    check_installation()
    info = machine()
    print("cityportal procedures benchmark")
    print(
        f"  machine:  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, "
        f"Python {info['python']}"
    )
    if info["load_average_at_start"] > 0.5:
        print(
            f"  warning:  load average {info['load_average_at_start']:.1f}: other processes use the CPU, "
            "so times will be noisy (CPU ms/req much less so)"
        )
    print("\nPreparing a throw-away portal with the generated guides")
    environment = build(arguments)
    server = None
    rows = []
    try:
        queries.setup_django(environment.env)
        from django.conf import settings

        if settings.DEBUG:
            raise SetupError("DEBUG is on in the benchmark settings; it must be off to measure production.")
        info["database"] = queries.database_description()
        info["cache"] = "Redis cache" if arguments.redis_url else "local-memory cache"
        print(f"  database: {info['database']}; {info['cache']}")

        measured = pages(arguments.guides)
        print(f"\nTiming in-process ({arguments.samples} requests per page and state) and counting queries")
        for page in measured:
            log(f"{page.path}…")
            rows.append(
                {
                    "kind": page.kind,
                    "language": page.language,
                    "path": page.path,
                    "in_process": in_process(page, arguments.samples),
                }
            )
        queries.clear_cache()  # with Redis, gunicorn must not find what this process cached
        queries.close_connections()

        print(f"\nStarting gunicorn ({arguments.workers} sync workers)")
        server = Gunicorn(environment.env, arguments.workers, environment.root / "gunicorn.log")
        server.start()
        for page, row in zip(measured, rows, strict=True):
            log(
                f"{page.path}: warm-up, {arguments.requests} sequential, "
                f"{arguments.concurrent_requests} at {arguments.connections} connections…"
            )
            row["gunicorn"] = {"warm": measure_page(server, page.path, arguments)}
        for page, row in zip(measured, rows, strict=True):
            if page.kind == "guide":
                log(f"first views of distinct {page.language} guides…")
                row["gunicorn"]["first_view"] = measure_first_views(server, page, arguments)
        server.stop()
    finally:
        if server is not None:
            server.stop()
        if arguments.redis_url:
            queries.forget_redis_keys()
        queries.close_connections()
        if arguments.keep or arguments.reuse:
            log(
                f"Scratch portal kept in {environment.root} "
                f"(measure it again with --reuse {environment.root})"
            )
        else:
            scratch.cleanup(environment, log)

    print_results(rows, info, arguments)
    print_aims(rows)
    if arguments.show_sql:
        print_sql(rows)
    info["load_average_at_end"] = round(os.getloadavg()[0], 2)
    RESULTS_DIR.mkdir(exist_ok=True)
    output = RESULTS_DIR / f"procedures-{datetime.now(UTC).strftime('%Y-%m-%d-%H%M%S')}.json"
    document = {
        "benchmark": "procedures",
        "machine": info,
        "settings": {
            "guides": arguments.guides,
            "samples": arguments.samples,
            "workers": arguments.workers,
            "connections": arguments.connections,
            "sequential_requests": arguments.requests,
            "concurrent_requests": arguments.concurrent_requests,
        },
        "aims": {"guide_uncached_median_ms_below": GUIDE_AIM_MS, "guide_queries_at_most": GUIDE_AIM_QUERIES},
        "pages": rows,
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\n  results written to {output.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    entry.run(main)
