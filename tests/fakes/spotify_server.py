"""A fake Spotify Web API + Accounts service on 127.0.0.1, following the 2026 Development Mode API.

Start it with the `fake_spotify` fixture (or `FakeSpotify().start()`); seed it through `fake.data`
(see tests/fakes/spotify_data.py); inject faults with `fake.inject(...)`; read `fake.log`.
`connected_settings(fake, tmp_path)` returns Settings whose token cache lets `connect_client` work
without the browser flow.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.fakes.spotify_accounts import AccountsMixin
from tests.fakes.spotify_routes import LISTENING_ROUTES, RoutesMixin, SpotifyHTTPError

CORE_SCOPE = ("playlist-modify-private playlist-modify-public playlist-read-collaborative "
              "playlist-read-private user-library-read")
FULL_SCOPE = CORE_SCOPE + " user-read-recently-played user-top-read"
WRITE_METHODS = ("POST", "PUT", "DELETE")
FAKE_CLIENT_ID = "0123456789abcdef0123456789abcdef"     # real Client IDs are 32 hex characters


@dataclass
class RequestRecord:
    method: str
    path: str                     # without the query, e.g. '/v1/me/tracks'
    query: dict[str, str]
    body: object
    status: int


@dataclass
class Fault:
    """Answer matching requests with a fault instead of (or before) the real response."""

    kind: str                     # 'rate_limit' | 'quota' | 'server_error' | 'slow' | 'drop' | 'expire_token'
    path: str = r"^/v1/"          # regex searched in the request path
    method: str | None = None
    times: int | None = 1         # how many times it fires (None: forever)
    after: int = 0                # let this many matching requests through first
    retry_after: int = 1
    status: int = 503
    delay: float = 0.0
    seen: int = field(default=0, init=False)
    fired: int = field(default=0, init=False)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and re.search(self.path, path) is not None


class FakeSpotify(AccountsMixin, RoutesMixin):
    """One fake account (`data`), its OAuth client and the HTTP server in a background thread."""

    def __init__(self, *, client_id: str = FAKE_CLIENT_ID, client_secret: str = "fake-client-secret",
                 redirect_uris: list[str] | None = None, user_id: str = "jane123", token_ttl: int = 3600):
        from tests.fakes.spotify_data import FakeData

        self.data = FakeData(user_id=user_id)
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris or ["http://127.0.0.1:8501/"])
        self.token_ttl = token_ttl
        self.log: list[RequestRecord] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._init_accounts()

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSpotify:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-spotify", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1/"

    @property
    def accounts_url(self) -> str:
        return self.url

    # --- faults and log --------------------------------------------------------------------
    def inject(self, kind: str, path: str = r"^/v1/", *, method: str | None = None, times: int | None = 1,
               after: int = 0, retry_after: int | None = None, status: int = 503, delay: float = 0.0) -> Fault:
        """Add a fault. kind: rate_limit (429 + short Retry-After), quota (429 QUOTA_EXCEEDED, long
        Retry-After), server_error (`status`), slow (sleep `delay` then answer), drop (close the
        connection without answering), expire_token (expire every access token, then answer 401)."""
        if retry_after is None:
            retry_after = 61389 if kind == "quota" else 1
        fault = Fault(kind, path, method, times, after, retry_after, status, delay)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _next_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if not fault.matches(method, path):
                    continue
                fault.seen += 1
                if fault.seen <= fault.after or (fault.times is not None and fault.fired >= fault.times):
                    continue
                fault.fired += 1
                return fault
        return None

    def requests(self, method: str | None = None, path: str | None = None, *, api_only: bool = True) -> list:
        """Logged requests, optionally filtered by method and a path regex."""
        with self._lock:
            records = list(self.log)
        return [r for r in records
                if (not api_only or r.path.startswith("/v1/"))
                and (method is None or r.method == method)
                and (path is None or re.search(path, r.path))]

    def count(self, method: str | None = None, path: str | None = None, *, api_only: bool = True) -> int:
        return len(self.requests(method, path, api_only=api_only))

    def writes(self) -> list[RequestRecord]:
        """Successful or not, every API request that could change something."""
        return [r for r in self.requests() if r.method in WRITE_METHODS]

    def reset_log(self) -> None:
        with self._lock:
            self.log.clear()

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.log.append(record)

    # --- dispatch --------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, str], headers, body: object):
        """Return (status, headers, payload) where payload is a dict/list, str (text) or None."""
        if path in ("/authorize", "/api/token"):
            return self.accounts(method, path, query, headers, body)
        if not path.startswith("/v1/"):
            return 404, {}, {"error": {"status": 404, "message": "Service not found"}}
        try:
            self.check_bearer(headers.get("Authorization"))
            route = path[len("/v1/"):].rstrip("/")
            if route in LISTENING_ROUTES:
                self.require_scope(headers.get("Authorization"), LISTENING_ROUTES[route])
            with self.data.lock:
                return self.route(method, route, query, body)
        except SpotifyHTTPError as err:
            return err.status, err.headers, err.payload()


class _Handler(BaseHTTPRequestHandler):
    owner: FakeSpotify
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True      # headers and body are two writes: avoid 40 ms delayed-ACK stalls

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr access log
        pass

    def _serve(self) -> None:
        fake = self.owner
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: object = None
        if raw:
            ctype = self.headers.get("Content-Type", "")
            if "x-www-form-urlencoded" in ctype:
                body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
            else:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
        fault = fake._next_fault(self.command, parts.path)
        if fault is not None and fault.kind == "drop":
            fake._record(RequestRecord(self.command, parts.path, query, body, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        if fault is not None and fault.kind == "expire_token":
            fake.expire_access_tokens()
            fault = None
        if fault is not None:
            status, headers, payload = fault_payload(fault)
        else:
            status, headers, payload = fake.handle(self.command, parts.path, query, self.headers, body)
        fake._record(RequestRecord(self.command, parts.path, query, body, status))
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict, payload: object) -> None:
        if payload is None:
            data, ctype = b"", None
        elif isinstance(payload, str):
            data, ctype = payload.encode(), "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(payload).encode(), "application/json; charset=utf-8"
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, str(value))
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _serve


def fault_payload(fault: Fault) -> tuple[int, dict, object]:
    if fault.kind == "rate_limit":
        return 429, {"Retry-After": fault.retry_after}, {"error": {"status": 429, "message": "API rate limit exceeded"}}
    if fault.kind == "quota":
        return 429, {"Retry-After": fault.retry_after}, {
            "error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}}
    if fault.kind == "server_error":
        return fault.status, {}, {"error": {"status": fault.status, "message": "Service unavailable"}}
    raise ValueError(f"unknown fault kind {fault.kind!r}")


# --- pytest helpers ----------------------------------------------------------------------------
@pytest.fixture
def fake_spotify():
    """A running fake Spotify (API + accounts) for one test."""
    fake = FakeSpotify().start()
    yield fake
    fake.stop()


def write_token_cache(path: str | Path, token_info: dict) -> None:
    """A spotipy CacheFileHandler-format token file, created with mode 0600."""
    import os

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(token_info, handle)
    os.chmod(path, 0o600)


def connected_settings(fake: FakeSpotify, tmp_path: str | Path, *, pkce: bool = False, db: str | None = None,
                       scope: str = FULL_SCOPE):
    """Settings pointing at the fake with a valid token cache already written (no browser flow)."""
    from lib.config import load_settings

    tmp_path = Path(tmp_path)
    token_cache = tmp_path / "spotify_token.json"
    settings = replace(
        load_settings(env={}),
        db=db or str(tmp_path / "library.duckdb"), db_configured=True, demo_db=str(tmp_path / "demo.duckdb"),
        token_cache=str(token_cache), spotify_client_id=fake.client_id,
        spotify_client_secret="" if pkce else fake.client_secret,
        spotify_redirect_uri=fake.redirect_uris[0], spotify_api_url=fake.api_url,
        spotify_accounts_url=fake.accounts_url, http_timeout=5.0,
    )
    write_token_cache(token_cache, fake.issue_token(scope))
    return settings


__all__ = ["CORE_SCOPE", "FULL_SCOPE", "Fault", "FakeSpotify", "RequestRecord", "connected_settings", "fake_spotify",
           "fault_payload", "write_token_cache"]

