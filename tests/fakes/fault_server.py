"""A small threaded JSON HTTP server on 127.0.0.1 with a request log, fault injection and a rate limit."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int = 0
    fault: str | None = None          # 'rate' when refused by the rate limit, else the injected fault kind
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """One injected fault: a status (404, 503…), 'malformed' (bad JSON), 'badshape' or 'slow' (delay, then normal)."""

    kind: str
    retry_after: str | None = None
    delay: float = 0.0
    match: str | None = None          # only requests whose path contains this


class FaultServer:
    """Subclasses implement `route(method, path, query, headers) -> (status, body, headers)`."""

    name = "fake"
    limited_status = 503

    def __init__(self, rate_limit: float | None = None, burst: float = 2.0):
        self.log: list[LoggedRequest] = []
        self.faults: deque[Fault] = deque()
        self.rate_limit = rate_limit
        self.burst = burst
        self._tokens = burst
        self._last = time.monotonic()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- fault injection -------------------------------------------------------------------
    def fail_next(self, kind: str | int, count: int = 1, *, retry_after: str | None = None, delay: float = 0.0,
                  match: str | None = None) -> None:
        for _ in range(count):
            self.faults.append(Fault(str(kind), retry_after, delay, match))

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in list(self.faults):
                if fault.match is None or fault.match in path:
                    self.faults.remove(fault)
                    return fault
        return None

    def _rate_limited(self) -> bool:
        if not self.rate_limit:
            return False
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate_limit)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return False
            return True

    @property
    def rate_limited_count(self) -> int:
        return sum(1 for r in self.log if r.fault == "rate")

    def requests_to(self, fragment: str) -> list[LoggedRequest]:
        return [r for r in self.log if fragment in r.path]

    # -- serving ---------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict, headers: dict) -> tuple[int, object, dict]:
        raise NotImplementedError

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        entry = LoggedRequest(handler.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                              {k.lower(): v for k, v in handler.headers.items()})
        self.log.append(entry)
        extra: dict[str, str] = {}
        if self._rate_limited():
            entry.fault = "rate"
            status, body, extra = self.limited_status, {"error": "rate limit exceeded"}, {"Retry-After": "1"}
        else:
            fault = self._take_fault(parts.path)
            entry.fault = fault.kind if fault else None
            if fault and fault.kind == "slow":
                time.sleep(fault.delay)
                fault = None
            if fault is None:
                status, body, extra = self.route(handler.command, parts.path, entry.query, entry.headers)
            elif fault.kind == "malformed":
                status, body = 200, b'{"recordings": [ {"id": "truncated'
            elif fault.kind == "badshape":
                status, body = 200, {"unexpected": True}
            else:
                status, body = int(fault.kind), {"error": f"injected {fault.kind}"}
                if fault.retry_after is not None:
                    extra = {"Retry-After": fault.retry_after}
        entry.status = status
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def start(self) -> FaultServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # Headers and body go out in separate writes; without this, Nagle + delayed ACK add ~40 ms.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):  # noqa: N802
                fake._handle(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
