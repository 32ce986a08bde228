"""Polite HTTP for online providers: a shared throttle, Retry-After, bounded retries, typed failures."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from lib.clock import stored_now, utc_now
from lib.enrich.errors import ProviderResponseError, ProviderUnavailable

APP_USER_AGENT = "spotify-auto-playlists/0.1"
# Spacing requests 10 % wider than 1/rate keeps network jitter from bunching two into one slot.
SAFETY = 1.1


class Throttle:
    """At most `rate` request starts per second across every thread that shares it."""

    def __init__(self, rate: float):
        self._lock = threading.Lock()
        self._next = 0.0
        self.set_rate(rate)

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError(f"a request rate must be positive, got {rate}")
        self.interval = SAFETY / float(rate)

    def wait(self) -> None:
        # Sleep while holding the lock so waiters go one by one, and count the next slot from the
        # actual wake-up: a late wake-up must not shorten the gap to the following request.
        with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next = time.monotonic() + self.interval

    def defer(self, seconds: float) -> None:
        """Push the next slot out, e.g. after a 503 with Retry-After."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + max(0.0, seconds))


_THROTTLES: dict[str, Throttle] = {}
_THROTTLES_LOCK = threading.Lock()


def shared_throttle(key: str, rate: float) -> Throttle:
    """One throttle per service (key = base URL), shared by all runs in this process."""
    with _THROTTLES_LOCK:
        throttle = _THROTTLES.get(key)
        if throttle is None:
            throttle = _THROTTLES[key] = Throttle(rate)
        else:
            throttle.set_rate(rate)
        return throttle


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (utc_now() if when.tzinfo else stored_now())).total_seconds())


@dataclass
class PoliteClient:
    """GET JSON from one service through its throttle; counts every request made."""

    session: requests.Session
    service: str
    throttle: Throttle
    timeout: float = 10.0
    headers: dict[str, str] = field(default_factory=dict)
    retries: int = 3            # extra attempts after a 5xx/429 or a timeout
    max_wait: float = 120.0     # a longer Retry-After stops the job instead of blocking it
    backoff: float = 0.5
    requests: int = 0

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
        """(200, body) or (404, None); raises ProviderUnavailable / ProviderResponseError otherwise."""
        last_problem = "no answer"
        for attempt in range(self.retries + 1):
            self.throttle.wait()
            self.requests += 1
            try:
                resp = self.session.get(url, params=params, headers=self.headers, timeout=self.timeout)
            except requests.Timeout:
                last_problem = f"no answer within {self.timeout:g} s"
                self.throttle.defer(self.backoff * 2 ** attempt)
                continue
            except requests.ConnectionError as exc:
                last_problem = f"cannot connect ({type(exc).__name__})"
                self.throttle.defer(self.backoff * 2 ** attempt)
                continue
            if resp.status_code in (429, 500, 502, 503, 504):
                wait = parse_retry_after(resp.headers.get("Retry-After"))
                if wait is not None and wait > self.max_wait:
                    raise ProviderUnavailable(
                        f"{self.service} asks us to wait {wait:.0f} s (HTTP {resp.status_code}); "
                        "the job is paused, resume it later.",
                        retry_after=wait, until=stored_now() + timedelta(seconds=wait))
                last_problem = f"HTTP {resp.status_code}"
                self.throttle.defer(wait if wait is not None else self.backoff * 2 ** attempt)
                continue
            if resp.status_code == 404:
                return 404, None
            if resp.status_code != 200:
                raise ProviderResponseError(f"{self.service} answered HTTP {resp.status_code} for {resp.url}")
            try:
                return 200, resp.json()
            except ValueError as exc:
                raise ProviderResponseError(f"{self.service} sent a malformed (non-JSON) answer") from exc
        raise ProviderUnavailable(f"{self.service} is not answering: {last_problem} "
                                  f"after {self.retries + 1} attempts. Nothing was lost; resume later.")
