"""What every browser test shares: Debian's Chromium, axe-core, and the portal in its own process.

The portal runs with `manage.py runserver` on 127.0.0.1 from its own SQLite file, with a translated
tree built by the test factories, so the browser meets a real HTTP server and never shares the
pytest database.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILD_TREE = "import django; django.setup(); from cityportal.conftest import build_portal; build_portal()"


def require_browser_tools() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: run `make test`, which installs it with apt-get.")
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it with npm ci.")


# (settings module, build script) -> a migrated and built SQLite file, copied for each new server.
_BUILT_DATABASES: dict[tuple[str, str], Path] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def portal_server(
    directory: Path,
    settings_module: str = "cityportal.settings.test",
    build: str = BUILD_TREE,
    seed: str = "",
):
    """Serve a fresh SQLite file holding the migrated schema and the test tree (or what `build`
    makes), plus what the script `seed` adds; yield the base URL.

    Migrating and building take most of a minute, and a dozen modules start a server: the first
    server of each (settings, build) pair in a test run makes the database, later ones copy it."""
    require_browser_tools()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, SQLITE_PATH=str(directory / "db.sqlite3"))
    run = {"cwd": settings.BASE_DIR, "env": env, "check": True, "timeout": 600}
    template = _BUILT_DATABASES.get((settings_module, build))
    if template is not None:
        shutil.copyfile(template, directory / "db.sqlite3")
    else:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)  # noqa: S603
        subprocess.run([sys.executable, "-c", build], **run)  # noqa: S603
        template = Path(tempfile.mkdtemp(prefix="portal-db-")) / "db.sqlite3"
        with sqlite3.connect(directory / "db.sqlite3") as source, sqlite3.connect(template) as target:
            source.backup(target)  # a consistent copy, whatever is still in the WAL file
        source.close()
        target.close()
        _BUILT_DATABASES[(settings_module, build)] = template
    if seed:  # this module's own data (staff users, questions, slots), on top of the shared tree
        subprocess.run([sys.executable, "-c", seed], **run)  # noqa: S603
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"{base_url}/healthz", timeout=2):  # noqa: S310 - our own local server
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("The portal server did not start within 60 s.")
                time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def new_tab(browser, **context_options):
    """A tab that records console errors and uncaught exceptions in `tab.problems`."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **context_options)
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda message: message.type == "error" and tab.problems.append(message.text))
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    return context, tab


def serious_accessibility_violations(tab) -> list[str]:
    """Run axe-core in the tab (the context must bypass CSP to inject it) and list what is serious."""
    tab.evaluate(AXE.read_text())
    result = tab.evaluate(
        "async (tags) => await axe.run(document,"
        " {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['nodes'][0]['html'][:120]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
