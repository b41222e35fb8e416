"""The security log: admin logins, data requests and purges as JSON lines, kept apart from analytics.

Events go to the `security` logger (settings.LOGGING), whose handler appends one JSON object per line
to `<SECURITY_LOG_DIR>/security-YYYY-MM-DD.jsonl`, one file per UTC day, created with mode 0640. A new
file each day *is* the rotation: no process ever renames a file, so any number of server processes
can write at once (each line is one O_APPEND write). The retention purge deletes the files whose last
day is older than RETENTION["security_logs"] (see core/privacy.py).

The security log may hold IP addresses (the Cybersecurity Law asks for network logs); references are
masked and email addresses are never written.

This module is imported while Django configures logging, so it must not import models at the top.
"""

import json
import logging
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("security")

FILE_MODE = 0o640
DIRECTORY_MODE = 0o750
FILE_PREFIX = "security-"
FILE_NAME = re.compile(r"^security-(\d{4}-\d{2}-\d{2})\.jsonl$")


def log_file_name(day: date) -> str:
    return f"{FILE_PREFIX}{day.isoformat()}.jsonl"


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, event, and the record's `security` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        entry.update(getattr(record, "security", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))


class DailyFileHandler(logging.Handler):
    """Append each record to the file of its UTC day, under `directory` (default SECURITY_LOG_DIR).

    The directory is read when a record is written, so tests can point it elsewhere with the
    `settings` fixture.
    """

    def __init__(self, directory: str | os.PathLike | None = None, level=logging.NOTSET):
        super().__init__(level)
        self.directory = directory

    def log_directory(self) -> Path:
        return Path(self.directory or settings.SECURITY_LOG_DIR)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = (self.format(record) + "\n").encode()
            day = datetime.fromtimestamp(record.created, tz=UTC).date()
            directory = self.log_directory()
            directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            path = directory / log_file_name(day)
            created = not path.exists()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
            try:
                if created:
                    os.fchmod(fd, FILE_MODE)  # whatever the process's umask
                os.write(fd, line)
            finally:
                os.close(fd)
        except Exception:  # noqa: BLE001 - logging must never break the request; handleError reports it
            self.handleError(record)


def mask_reference(reference: str) -> str:
    """Enough of a reference to correlate log lines, not enough to use it: `B7K2-9QXA` -> `B7*****XA`."""
    reference = reference.strip()
    if len(reference) <= 4:
        return "*" * len(reference)
    keep = 2 if len(reference) >= 8 else 1
    return reference[:keep] + "*" * (len(reference) - 2 * keep) + reference[-keep:]


def client_ip(request) -> str:
    """The full client address: REMOTE_ADDR, or the X-Forwarded-For entry TRUSTED_PROXY_COUNT places
    from the right, as in core.protection.client_ip (which shortens IPv6 to its /64 for rate limits;
    the security log keeps the address itself)."""
    if request is None:
        return ""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address


def log_security_event(event: str, *, request=None, level: int = logging.INFO, **fields) -> None:
    """Write one security event, e.g. `log_security_event("admin.login.failed", request=request)`."""
    details = {}
    if request is not None:
        details["ip"] = client_ip(request)
        details["path"] = request.path
    details.update(fields)
    logger.log(level, event, extra={"security": details})


def expired_log_files(directory: Path, cutoff: datetime) -> list[Path]:
    """Daily files whose every line is older than `cutoff` (the whole UTC day ended before it)."""
    if not directory.is_dir():
        return []
    expired = []
    for path in sorted(directory.iterdir()):
        match = FILE_NAME.match(path.name)
        if not match:
            continue
        day = date.fromisoformat(match.group(1))
        day_end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        if day_end <= cutoff:
            expired.append(path)
    return expired


def purge_security_logs(cutoff: datetime) -> int:
    """Delete the daily security log files older than `cutoff`; returns how many were deleted."""
    count = 0
    for path in expired_log_files(Path(settings.SECURITY_LOG_DIR), cutoff):
        path.unlink(missing_ok=True)
        count += 1
    return count


def count_security_logs(cutoff: datetime) -> int:
    return len(expired_log_files(Path(settings.SECURITY_LOG_DIR), cutoff))


# --- Admin logins (Django's auth signals; connected in CoreConfig.ready) ----------------------------


def login_succeeded(sender, request, user, **kwargs) -> None:
    log_security_event(
        "admin.login.succeeded", request=request, user_id=user.pk, username=user.get_username()
    )


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    # The attempted name is logged only when it is an existing account: a visitor who types their
    # password into the user name field must not find it in the log.
    user_model = get_user_model()
    attempted = credentials.get(user_model.USERNAME_FIELD, "")
    known = (
        bool(attempted)
        and user_model._default_manager.filter(**{user_model.USERNAME_FIELD: attempted}).exists()
    )
    log_security_event(
        "admin.login.failed",
        request=request,
        level=logging.WARNING,
        username=attempted if known else None,
        known_user=known,
    )


def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        log_security_event("admin.logout", request=request, user_id=user.pk, username=user.get_username())


def connect_auth_signals() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(login_succeeded, dispatch_uid="security-log-login")
    user_login_failed.connect(login_failed, dispatch_uid="security-log-login-failed")
    user_logged_out.connect(logged_out, dispatch_uid="security-log-logout")
