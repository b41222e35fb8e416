"""Run manage.py in separate processes against the test database (for tests using transactional_db).

On PostgreSQL the processes connect to the test database itself. SQLite's test database lives in
memory, so it is copied into a file (a fraction of a second, instead of a minute of migrations) and
the processes use that file, in WAL mode with the portal's own SQLite options, as production would.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection


class SubprocessDatabase:
    def __init__(self, tmp_path: Path):
        settings_dict = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "portal.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(self.path) as target:
                connection.connection.backup(target)
            target.close()
            self.env = {"DATABASE_URL": "", "SQLITE_PATH": str(self.path)}
        elif self.vendor == "postgresql":
            user = quote(settings_dict["USER"] or "")
            password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
            host = settings_dict["HOST"] or "127.0.0.1"
            port = settings_dict["PORT"] or 5432
            self.env = {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"}
        else:  # pragma: no cover - the portal runs on SQLite and PostgreSQL only
            raise NotImplementedError(self.vendor)

    def environment(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cityportal.settings.test",
            "REDIS_URL": "",
            **self.env,
            **extra,
        }

    def manage(self, *args: str, **popen_kwargs) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=Path(settings.BASE_DIR),
            env=self.environment(),
            text=True,
            **popen_kwargs,
        )

    def fetch(self, sql: str, params=()) -> list[tuple]:
        """Read what the processes wrote (through Django's own connection on PostgreSQL)."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as database:
                rows = database.execute(sql.replace("%s", "?"), params).fetchall()
            database.close()
            return rows
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
