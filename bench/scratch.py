"""A throw-away portal for the benchmark: temp dir, fresh database with the demo, collected static files.

SQLite by default (a file in the temp dir). With a PostgreSQL URL, a scratch database named
`bench_cityportal` is created on that server and dropped afterwards; the database named in the URL is
only used to connect (never written to, and never the `test` database).
"""

import base64
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "bench_cityportal"
# Environment variables the settings read; none may leak in from the caller's shell.
SETTINGS_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "PERSONAL_DATA_KEYS",
    "BLIND_INDEX_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SQLITE_PATH",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "REDIS_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "PUBLIC_PAGE_MAX_AGE",
    "LOG_LEVEL",
    "WAGTAILADMIN_BASE_URL",
)


class SetupError(Exception):
    """The benchmark cannot run; the message says what to do next."""


@dataclass
class Scratch:
    root: Path
    env: dict[str, str]
    database: str  # "sqlite" or "postgresql"
    admin_url: str = ""  # PostgreSQL server to drop the scratch database on
    database_name: str = SCRATCH_DATABASE  # the scratch PostgreSQL database
    created_database: bool = False
    notes: list[str] = field(default_factory=list)


def prepare(database_url: str, redis_url: str, log, *, database_name: str = SCRATCH_DATABASE) -> Scratch:
    root = Path(tempfile.mkdtemp(prefix="cityportal-bench-"))
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="cityportal.settings.production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        PERSONAL_DATA_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),  # a Fernet key
        BLIND_INDEX_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SQLITE_PATH=str(root / "db.sqlite3"),
        STATIC_ROOT=str(root / "static"),
        MEDIA_ROOT=str(root / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    scratch = Scratch(
        root, env, database="postgresql" if database_url else "sqlite", database_name=database_name
    )
    try:
        if database_url:
            env["DATABASE_URL"] = create_postgres_database(database_url, scratch, log)
        if redis_url:
            check_redis(redis_url)
            env["REDIS_URL"] = redis_url
        log(f"Scratch environment in {root}")
        migrate(env, scratch, log)
        load_demo(env, scratch, log)
        manage(env, ["collectstatic", "--noinput"], "Collecting static files", log)
    except BaseException:
        cleanup(scratch, log)
        raise
    return scratch


def create_postgres_database(url: str, scratch: Scratch, log) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SetupError(f"--database-url must be a postgres:// URL, not {parts.scheme}://.")
    try:
        import psycopg
    except ImportError as error:
        raise SetupError("psycopg is missing: run make install first.") from error
    scratch.admin_url = url
    name = scratch.database_name
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists:
                log(f"Dropping {name} left over from an earlier benchmark run")
                connection.execute(f"DROP DATABASE {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        raise SetupError(
            f"Could not create the scratch database {name} through {redact(url)}: "
            f"{str(error).strip().splitlines()[0]}. Is PostgreSQL running, and may that user create "
            "databases? Fix that, or leave out --database-url to benchmark on SQLite."
        ) from error
    scratch.created_database = True
    log(f"Created the scratch PostgreSQL database {name}")
    return urlunsplit(parts._replace(path="/" + name))


def drop_postgres_database(url: str, log, name: str = SCRATCH_DATABASE) -> None:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        log(f"Dropped the scratch database {name}")
    except psycopg.Error as error:
        log(f"Could not drop {name} ({error}); drop it by hand: DROP DATABASE {name}")


def check_redis(url: str) -> None:
    try:
        import redis
    except ImportError as error:
        raise SetupError("The redis package is missing: run make install first.") from error
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        raise SetupError(
            f"Redis at {redact(url)} does not answer ({error}). Start Redis, or leave out --redis-url "
            "to use the local-memory cache."
        ) from error


def migrate(env: dict[str, str], scratch: Scratch, log) -> None:
    check(
        run_step(env, [str(REPO / "manage.py"), "migrate", "--noinput"], "Migrating the fresh database", log),
        "migrate",
    )


def load_demo(env: dict[str, str], scratch: Scratch, log) -> None:
    check(
        run_step(env, [str(REPO / "manage.py"), "load_demo"], "Loading the demo content (load_demo)", log),
        "load_demo",
    )


def manage(env: dict[str, str], arguments: list[str], what: str, log) -> None:
    check(run_step(env, [str(REPO / "manage.py"), *arguments], what, log), " ".join(arguments))


def run_step(env: dict[str, str], arguments: list[str], what: str, log) -> subprocess.CompletedProcess:
    log(f"{what}…")
    try:
        return subprocess.run(
            [sys.executable, *arguments],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SetupError(f"{what} took over 15 minutes; stopped.") from error


def check(result: subprocess.CompletedProcess, name: str) -> None:
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        print("\n".join(output[-30:]), file=sys.stderr)
        raise SetupError(
            f"`manage.py {name}` failed (last lines above). Fix the cause, then run make bench again."
        )


def cleanup(scratch: Scratch, log) -> None:
    if scratch.created_database:
        drop_postgres_database(scratch.admin_url, log, scratch.database_name)
        scratch.created_database = False
    shutil.rmtree(scratch.root, ignore_errors=True)


def server_database_url(database_name: str, default_server: str) -> str:
    """`database_name` on the PostgreSQL server DATABASE_URL names (a development or test database there
    only tells where the server is, it is never written to), or `default_server`."""
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://", "pgsql://")):
        return default_server
    return urlunsplit(urlsplit(server)._replace(path="/" + database_name))


def postgres_problem(url: str) -> str | None:
    """None when the PostgreSQL server of `url` accepts a connection, else why not (one line)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (run make install)"
    try:
        with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def add_database_arguments(parser, database_name: str, default_server: str) -> None:
    """--database and --database-url of the benchmarks that measure both databases, each in a
    database of their own (bench/search.py, bench/search_quality.py)."""
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "both"],
        default="both",
        help="which database to measure (default both; PostgreSQL is skipped when its server is down)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help=f"PostgreSQL database to build in, named bench… (default: {database_name} on DATABASE_URL's "
        f"server, or {default_server})",
    )


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
