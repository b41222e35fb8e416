"""How every benchmark script ends: run its main(), turn known failures into a message and an exit code."""

import signal
import sys
import time
from collections.abc import Callable

import load
from scratch import SetupError


def stop_on_sigterm(_signum, _frame):
    # A SIGTERM (e.g. from `timeout`) unwinds like Ctrl+C, so gunicorn and the scratch portal are cleaned up.
    raise KeyboardInterrupt


def run(main: Callable[[], int]) -> None:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.monotonic()
    try:
        status = main()
    except SetupError as error:
        print(f"\nbench: {error}", file=sys.stderr)
        sys.exit(2)
    except load.LoadError as error:
        print(f"\nbench: a request failed: {error}. Check the page under `make run`.", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nbench: interrupted; gunicorn stopped and the scratch environment removed.", file=sys.stderr)
        sys.exit(130)
    print(f"  took {time.monotonic() - started:.0f} s")
    sys.exit(status)
