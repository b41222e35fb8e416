"""cityportal search quality: the relevance set's MRR@10 and recall@5 per language, SQLite and PostgreSQL.

Run it with `.venv/bin/python bench/search_quality.py` (`--help` for the options). It

1. builds, once, a portal of its own for each database, with production settings (those of
   bench/news.py): SQLite in var/search-quality/ (never the development db.sqlite3) and the PostgreSQL
   database `bench_search_quality` on the server DATABASE_URL names (or on 127.0.0.1:5432; created if
   missing; skipped with a message when the server does not answer). Each is migrated and filled by
   `load_demo` (the demo's guides, appointment services, FAQ, pages and its whole news archive: every
   article and policy of cityportal/news/demo/archive/, which is all the archive there is; bench/news.py's
   50,000 articles are identical filler, no use as distractors), then `generate_procedures --count 300`:
   300 generated guides in nine languages, which say "procedure", "certificate", "registration",
   "licence" and the like in every language, as distractors (about 1.5 s of CPU per guide, so several
   minutes; its progress is shown). Later runs reuse what was built (--rebuild starts again);
2. on every run, so the figures follow the current code and files: loads the demo synonyms again
   (cityportal/search/demo/synonyms.yaml) and rebuilds the portal's search index
   (`update_index --backend portal`);
3. runs `manage.py search_quality` in a process of its own per database, with that database's
   settings, and prints one table: language, queries, MRR@10 and recall@5 for each database, with the
   machine; --show-misses lists, per database, each query whose target is not first;
4. writes bench/results/search-quality-<date>-<time>.json (figures, misses, index sizes, machine).

Exit status 1 when a language is under the aim (MRR@10 0.9, issue 8) on any database measured, 2 when
nothing could be measured. The set itself and how to add a query: docs/search.md ("The relevance set").
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

import entry
import news
import procedures
from run import RESULTS_DIR, check_installation, log, machine
from scratch import REPO, SetupError, add_database_arguments, postgres_problem, redact, server_database_url

VAR = REPO / "var" / "search-quality"
DATABASE_NAME = "bench_search_quality"
DEFAULT_SERVER = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
GUIDES = 300
AIM = 0.9  # cityportal.search.quality.AIM; this process never imports Django
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The demo's synonyms and promoted results, as the files have them now (load_demo loads both).
SYNONYMS = (
    "from cityportal.search.demo.loader import load_demo_promotions, load_demo_synonyms; "
    "print(load_demo_synonyms().summary()); print(f'{load_demo_promotions()} promoted results created')"
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser, DATABASE_NAME, DEFAULT_SERVER)
    parser.add_argument(
        "--guides", type=int, default=GUIDES, help=f"generated guides as distractors (default {GUIDES})"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the portals again from empty databases")
    parser.add_argument(
        "--show-misses", action="store_true", help="list each query whose target is not first"
    )
    arguments = parser.parse_args()
    if not 0 <= arguments.guides <= 9999:
        parser.error("--guides must be between 0 and 9999")
    return arguments


# --- the portals ------------------------------------------------------------------------------------


def postgres_url(arguments: argparse.Namespace) -> str:
    """--database-url as given (it must name a bench… database), or `bench_search_quality` on the server
    DATABASE_URL names: a development or test database there only tells where the server is."""
    if arguments.database_url:
        news.database_name(arguments.database_url)
        return arguments.database_url
    return server_database_url(DATABASE_NAME, DEFAULT_SERVER)


def state_file(database: str):
    return VAR / f"built-{database}.json"


def environment(database: str, arguments: argparse.Namespace) -> dict[str, str]:
    url = postgres_url(arguments) if database == "postgresql" else ""
    env = news.environment(url)
    env.update(
        SQLITE_PATH=str(VAR / "db.sqlite3"), STATIC_ROOT=str(VAR / "static"), MEDIA_ROOT=str(VAR / "media")
    )
    return env


def build(database: str, arguments: argparse.Namespace) -> dict[str, str]:
    """The database migrated and, once, filled; the settings' environment for it."""
    url = postgres_url(arguments) if database == "postgresql" else ""
    if url:
        news.prepare_postgres(url, arguments.rebuild)
    elif arguments.rebuild:
        for suffix in ("", "-wal", "-shm"):
            (VAR / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    if arguments.rebuild:
        state_file(database).unlink(missing_ok=True)
    VAR.mkdir(parents=True, exist_ok=True)
    env = environment(database, arguments)
    # System checks are the test suite's business: one unrelated to search must not stop this run.
    news.manage(
        env, ["migrate", "--noinput", "--skip-checks"], "Migrating (quick when the database is up to date)"
    )
    if not (VAR / "static" / "staticfiles.json").exists():
        news.manage(env, ["collectstatic", "--noinput"], "Collecting static files (once)")
    built = json.loads(state_file(database).read_text()) if state_file(database).exists() else {}
    if built.get("guides") not in (None, arguments.guides):
        raise SetupError(
            f"The {DATABASES[database]} portal was built with {built['guides']} generated guides, not "
            f"{arguments.guides}: run again with --rebuild."
        )
    if built:
        log(f"Reusing the portal built on {built['date']} (demo and {built['guides']} generated guides)")
        return env
    started = time.monotonic()
    news.manage(env, ["load_demo", "--skip-checks"], "Loading the demo (load_demo; a few minutes)")
    if arguments.guides:
        procedures.generate(env, arguments.guides)
    state_file(database).write_text(
        json.dumps(
            {
                "guides": arguments.guides,
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": round(time.monotonic() - started),
            }
        )
    )
    log(f"Built in {time.monotonic() - started:.0f} s")
    return env


def refresh(env: dict[str, str]) -> float:
    """The demo synonyms as the file has them now, and the index as the code builds it now."""
    news.manage(env, ["shell", "-c", SYNONYMS], "Loading the demo synonyms and promoted results")
    started = time.monotonic()
    news.manage(
        env,
        ["update_index", "--backend", "portal", "--skip-checks"],
        "Rebuilding the search index (update_index --backend portal)",
    )
    return time.monotonic() - started


def evaluate(database: str, env: dict[str, str], show_misses: bool) -> dict:
    """manage.py search_quality in a process of its own; its figures from the JSON it writes."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = handle.name
    command = [sys.executable, str(REPO / "manage.py"), "search_quality", "--skip-checks", "--json", output]
    if show_misses:
        command.append("--show-misses")
    log(f"Running the relevance set on {DATABASES[database]}…")
    try:
        result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            print((result.stdout + result.stderr).strip(), file=sys.stderr)
            raise SetupError(f"`manage.py search_quality` failed on {DATABASES[database]} (output above).")
        with open(output, encoding="utf-8") as handle:
            figures = json.load(handle)
    finally:
        os.unlink(output)
    if show_misses:
        misses = result.stdout.split("\n\n", 1)[1] if "\n\n" in result.stdout else ""
        print("\n".join(line for line in misses.splitlines() if not line.startswith("Figures written")))
    return figures


# --- the report ---------------------------------------------------------------------------------------


def print_table(results: dict[str, dict]) -> None:
    names = [DATABASES[database] for database in results]
    header = f"  {'language':<9} {'queries':>7}" + "".join(
        f"  {name + ' MRR@10':>17} {'recall@5':>8}" for name in names
    )
    print(header)
    languages = list(next(iter(results.values()))["languages"])
    for language in languages:
        scores = [result["languages"][language] for result in results.values()]
        line = f"  {language:<9} {scores[0]['queries']:>7}"
        for score in scores:
            flag = " " if score["mrr_at_10"] >= AIM else "!"
            line += f"  {score['mrr_at_10']:>16.3f}{flag} {score['recall_at_5']:>8.3f}"
        print(line)
    print(f"  (! marks a language under the aim: MRR@10 at least {AIM} in every language, issue 8)")


def write_results(info: dict, results: dict[str, dict], skipped: list[str], arguments) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    output = RESULTS_DIR / f"search-quality-{datetime.now(UTC).strftime('%Y-%m-%d-%H%M%S')}.json"
    document = {
        "benchmark": "search-quality",
        "machine": info,
        "settings": {"generated_guides": arguments.guides},
        "aim": {"mrr_at_10_at_least": AIM},
        "databases": results,
        "skipped": skipped,
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\n  results written to {output.relative_to(REPO)}")


def main() -> int:
    arguments = parse_arguments()
    check_installation()
    info = machine()
    print("cityportal search quality (relevance set: cityportal/search/relevance/)")
    print(
        f"  machine:  {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, "
        f"Python {info['python']}"
    )
    databases = list(DATABASES) if arguments.database == "both" else [arguments.database]
    skipped = []
    if "postgresql" in databases:
        url = postgres_url(arguments)
        problem = postgres_problem(url)
        if problem:
            message = f"PostgreSQL skipped: {redact(url)} does not answer ({problem})."
            if databases == ["postgresql"]:
                raise SetupError(message + " Start PostgreSQL or pass --database-url.")
            print(f"\n  {message} Start it, or set DATABASE_URL, to measure it too.")
            skipped.append(message)
            databases.remove("postgresql")
    results = {}
    for database in databases:
        print(f"\n=== {DATABASES[database]} ===")
        env = build(database, arguments)
        index_seconds = refresh(env)
        figures = evaluate(database, env, arguments.show_misses)
        figures["index_seconds"] = round(index_seconds, 1)
        results[database] = figures
    print(f"\nMRR@10 and recall@5 per language, demo content with {arguments.guides} generated guides:")
    print_table(results)
    for database, figures in results.items():
        documents = figures.get("documents", {})
        print(
            f"  {DATABASES[database]}: {sum(documents.values()):,} documents indexed "
            f"({figures['index_seconds']:.0f} s to rebuild the index)"
        )
    info["load_average_at_end"] = round(os.getloadavg()[0], 2)
    write_results(info, results, skipped, arguments)
    below = [
        f"{DATABASES[database]} {language}"
        for database, figures in results.items()
        for language, score in figures["languages"].items()
        if score["mrr_at_10"] < AIM
    ]
    if below:
        print(f"  under the aim: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    entry.run(main)
