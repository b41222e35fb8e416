"""Database queries of one page view, counted in this process with Django's test client.

The process runs the same settings against the same scratch database as gunicorn. Every page is
requested once first, so only Django's cache differs between the two counts:
  cold  the cache was just emptied (after a deploy with local-memory caches, or a Redis flush);
  warm  the same page again right after: fragment caches, site version and site root paths are filled.
"""

import logging
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from scratch import REPO


@dataclass
class PageQueries:
    status: int
    cold: int = 0
    warm: int = 0
    cold_sql: list[str] = field(default_factory=list)
    warm_sql: list[str] = field(default_factory=list)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()


def clear_cache() -> None:
    """Empty Django's cache. On Redis only the portal's own keys go (its KEY_PREFIX), never FLUSHDB."""
    from django.conf import settings
    from django.core.cache import cache

    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        from django_redis import get_redis_connection

        # Every cache version (Wagtail keeps its site root paths under version 2), this prefix only.
        redis = get_redis_connection("default")
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
            redis.delete(key)
    else:
        cache.clear()


def forget_redis_keys() -> None:
    """Remove the portal's keys the benchmark left in Redis (site version, fragments)."""
    if "django" in sys.modules:
        from django.conf import settings

        if settings.configured and "redis" in settings.CACHES["default"]["BACKEND"].lower():
            clear_cache()


def count(paths: list[str]) -> dict[str, PageQueries]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.ERROR)  # a missing page is reported below
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for path in paths:
        results[path] = PageQueries(status=client.get(path).status_code)
    for path, result in results.items():
        if result.status != 200:
            continue
        clear_cache()
        with CaptureQueriesContext(connection) as cold:
            client.get(path)
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        result.cold, result.cold_sql = len(cold), [query["sql"] for query in cold.captured_queries]
        result.warm, result.warm_sql = len(warm), [query["sql"] for query in warm.captured_queries]
    return results


def database_description() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} (scratch database {connection.settings_dict['NAME']})"


def close_connections() -> None:
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


LITERALS = re.compile(r"\b\d+\b|'[^']*'|%s")
COLUMNS = re.compile(r"^SELECT .+? FROM ", re.DOTALL)


def shape(statement: str) -> str:
    """The query with literals masked and its column list shortened, to group repeats."""
    return COLUMNS.sub("SELECT … FROM ", LITERALS.sub("?", statement)).replace('"', "")


def grouped(sql: list[str]) -> list[tuple[int, str]]:
    """Query shapes with how often each ran, most repeated first."""
    return [(times, text) for text, times in Counter(shape(statement) for statement in sql).most_common()]
