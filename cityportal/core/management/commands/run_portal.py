"""`make run`: the development web server, a background task worker and the scheduler in one command.

Production runs the three separately (docs/deployment.md): gunicorn, `manage.py db_worker` as a
service, and `manage.py run_scheduled_jobs` from a timer every minute.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_TIMEOUT = 10  # seconds each child gets to stop before it is killed


class Command(BaseCommand):
    help = (
        "Serve the portal for development: Django's development server, a task worker (db_worker) and "
        "a scheduler calling run_scheduled_jobs every minute. Ctrl+C (or SIGTERM) stops all three."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="host:port to serve on")
        parser.add_argument(
            "--noreload", action="store_true", help="Don't restart the server and worker on code changes."
        )
        parser.add_argument(
            "--scheduler-interval",
            type=float,
            default=60.0,
            help="Seconds between two run_scheduled_jobs calls (default: 60).",
        )

    def handle(self, *args, addrport, noreload, scheduler_interval, **options):
        self.stopping = False
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        reload_flag = ["--noreload"] if noreload else []
        worker_reload = ["--no-reload"] if noreload else []

        def start(name, arguments):
            # Each child leads its own process group, so stopping it also stops what it started
            # (the autoreloader's server process, the worker's reloaded child).
            return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
                [*manage, *arguments], env=env, start_new_session=True
            )

        previous_handlers = {
            signum: signal.signal(signum, self.request_stop) for signum in (signal.SIGINT, signal.SIGTERM)
        }
        children = {}
        scheduler = None
        try:
            children["web server"] = start("web server", ["runserver", addrport, *reload_flag])
            children["task worker"] = start(
                "task worker", ["db_worker", "--queue-name", "*", "--interval", "1", *worker_reload]
            )
            host, _, port = addrport.rpartition(":")
            self.stdout.write(
                f"Portal on http://{host or '127.0.0.1'}:{port}/ (admin: /admin/). Web server pid "
                f"{children['web server'].pid}, task worker pid {children['task worker'].pid}, scheduler "
                f"every {scheduler_interval:g} s. Ctrl+C stops all."
            )
            next_run = time.monotonic()
            while not self.stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(
                            f"The {name} stopped (exit code {child.returncode}); stopping the rest."
                        )
                        self.stopping = True
                if scheduler is not None and scheduler.poll() is not None:
                    scheduler = None
                if not self.stopping and time.monotonic() >= next_run:
                    if scheduler is None:  # a slow run is not started twice
                        scheduler = start("scheduler", ["run_scheduled_jobs"])
                    next_run += scheduler_interval
                time.sleep(0.2)
        finally:
            for signum, handler in previous_handlers.items():
                signal.signal(signum, handler)
            running = [child for child in [*children.values(), scheduler] if child is not None]
            stop_all(running)
            self.stdout.write("Stopped the web server, the task worker and the scheduler.")
        if any(child.returncode not in (0, -signal.SIGTERM, -signal.SIGINT) for child in children.values()):
            sys.exit(1)

    def request_stop(self, signum, frame):
        self.stopping = True


def stop_all(children: list[subprocess.Popen]) -> None:
    """SIGTERM every child's process group, wait, then SIGKILL what is left."""
    for child in children:
        signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(child, signal.SIGKILL)
            child.wait()
        signal_group(child, signal.SIGKILL)  # anything the child started and left behind


def signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass
