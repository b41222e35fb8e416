"""Request loops against 127.0.0.1: sequential, or over a few concurrent keep-alive connections.

Every loop stops at a request count or a time limit, whichever comes first. http.client keeps a
connection open while the server allows it; gunicorn's sync workers close it after each response, so
the loops reconnect when needed and report how many connections they opened.
"""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field

from server import HOST


class LoadError(Exception):
    pass


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)  # seconds, one per request
    elapsed: float = 0.0
    connections: int = 0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        return self.percentile(0.95) * 1000

    @property
    def throughput(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0


def one_request(connection: http.client.HTTPConnection, path: str) -> tuple[float, bool]:
    """Time one GET; returns (seconds, whether a new connection was opened)."""
    reconnect = connection.sock is None
    start = time.perf_counter()
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    seconds = time.perf_counter() - start
    if response.status != 200:
        raise LoadError(f"GET {path} answered {response.status}, expected 200")
    if response.will_close:
        connection.close()
    return seconds, reconnect


def run(port: int, path: str, connections: int, count: int, seconds: float) -> Run:
    """`count` requests over `connections` threads, or fewer if `seconds` runs out."""
    result = Run()
    lock = threading.Lock()
    errors: list[BaseException] = []
    deadline = time.monotonic() + seconds
    issued = 0

    def worker() -> None:
        nonlocal issued
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            while not errors and time.monotonic() < deadline:
                with lock:
                    if issued >= count:
                        return
                    issued += 1
                latency, reconnect = one_request(connection, path)
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
    try:
        for thread in threads:
            while thread.is_alive():  # short joins so Ctrl+C reaches the main thread
                thread.join(0.2)
    except BaseException as error:
        errors.append(error)  # tells the threads to stop
        raise
    result.elapsed = time.perf_counter() - start
    if errors:
        raise LoadError(f"{path}: {errors[0]}") from errors[0]
    if not result.latencies:
        raise LoadError(f"{path}: no request finished within {seconds:.0f} s")
    return result
