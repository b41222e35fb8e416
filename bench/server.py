"""Gunicorn on a free 127.0.0.1 port, and the CPU time its worker processes have used (from /proc)."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from scratch import REPO, SetupError

HOST = "127.0.0.1"  # the benchmark never sends a request anywhere else
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_path() -> Path:
    path = Path(sys.executable).parent / "gunicorn"
    if not path.exists():
        raise SetupError(f"{path} is missing: run make install first (gunicorn is in requirements.lock).")
    return path


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, log_path: Path):
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.port = free_port()
        command = [
            str(gunicorn_path()),
            "cityportal.wsgi:application",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=sync",
            "--timeout=60",
            "--graceful-timeout=5",
            f"--error-logfile={self.log_path}",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(command, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(f"gunicorn exited at start:\n{self.log_tail()}\nFix the cause, run again.")
            if self.answers() and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        raise SetupError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def answers(self) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def worker_pids(self) -> list[int]:
        """The master's child processes: the sync workers."""
        if self.process is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                fields = read_stat(int(entry.name))
                if fields and int(fields[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def cpu_seconds(self, pids: list[int]) -> float:
        """User + system CPU time the given workers have used so far."""
        total = 0
        for pid in pids:
            fields = read_stat(pid)
            if fields is None:
                raise SetupError(f"gunicorn worker {pid} went away:\n{self.log_tail()}")
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / CLOCK_TICKS

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def read_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()
