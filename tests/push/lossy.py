"""A fake Spotify that can apply a request and then lose its response (drop the connection unanswered)."""

from __future__ import annotations

import re
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

# _Handler is the fake's request handler; only its final `_send` is replaced here.
from tests.fakes.spotify_server import FakeSpotify, _Handler


class LossyFakeSpotify(FakeSpotify):
    """`lose_response(method, path_regex)`: the next matching request is applied, logged, then the
    connection is closed without an answer — what a client sees when a response is lost or times out."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._losses: list[tuple[str, str]] = []

    def lose_response(self, method: str, path: str) -> None:
        with self._lock:
            self._losses.append((method, path))

    def _take_loss(self, method: str, path: str) -> bool:
        with self._lock:
            for i, (m, p) in enumerate(self._losses):
                if m == method and re.search(p, path):
                    del self._losses[i]
                    return True
        return False

    def start(self) -> LossyFakeSpotify:
        fake = self

        class Handler(_Handler):
            owner = fake

            def _send(self, status, headers, payload):
                if fake._take_loss(self.command, urlsplit(self.path).path):
                    self.close_connection = True
                    self.connection.close()
                    return
                super()._send(status, headers, payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="lossy-fake-spotify", daemon=True)
        self._thread.start()
        return self
