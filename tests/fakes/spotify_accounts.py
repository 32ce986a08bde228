"""The fake Spotify Accounts service: /authorize, /api/token, bearer tokens, expiry and revocation."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from tests.fakes.spotify_routes import SpotifyHTTPError


def pkce_challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def _oauth_error(error: str, description: str, status: int = 400):
    return status, {}, {"error": error, "error_description": description}


class AccountsMixin:
    """OAuth state of the fake: issued codes, access tokens (with expiry) and refresh tokens."""

    def _init_accounts(self) -> None:
        self._auth_lock = threading.Lock()
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, float] = {}        # token -> expires at (epoch seconds)
        self.access_scopes: dict[str, set[str]] = {}     # token -> granted scopes
        self.refresh_tokens: dict[str, dict] = {}        # token -> {"scope", "status": ok|revoked|expired}
        self.deny_authorization = False                  # next /authorize answers error=access_denied
        self.rotate_refresh_tokens = False               # PKCE-style single-use refresh tokens

    # --- test controls ----------------------------------------------------------------------
    def issue_token(self, scope: str) -> dict:
        """Mint a token pair and return it in spotipy's cache format."""
        access, refresh = "AT-" + secrets.token_urlsafe(24), "RT-" + secrets.token_urlsafe(24)
        with self._auth_lock:
            self.access_tokens[access] = time.time() + self.token_ttl
            self.access_scopes[access] = set(scope.split())
            self.refresh_tokens[refresh] = {"scope": scope, "status": "ok"}
        return {"access_token": access, "token_type": "Bearer", "expires_in": self.token_ttl, "scope": scope,
                "refresh_token": refresh, "expires_at": int(time.time()) + self.token_ttl}

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is now expired (the server says so; the client's cache may not)."""
        with self._auth_lock:
            for token in self.access_tokens:
                self.access_tokens[token] = 0.0

    def revoke_refresh_tokens(self, status: str = "revoked") -> None:
        """Make every refresh token fail with invalid_grant ('revoked' or 'expired')."""
        with self._auth_lock:
            for info in self.refresh_tokens.values():
                info["status"] = status

    def check_bearer(self, header: str | None) -> None:
        if not header or not header.startswith("Bearer "):
            raise SpotifyHTTPError(401, "No token provided")
        token = header[len("Bearer "):]
        with self._auth_lock:
            expires_at = self.access_tokens.get(token)
        if expires_at is None:
            raise SpotifyHTTPError(401, "Invalid access token")
        if expires_at <= time.time():
            raise SpotifyHTTPError(401, "The access token expired")

    def require_scope(self, header: str, scope: str) -> None:
        """403 as Spotify answers a token that was not granted `scope`."""
        with self._auth_lock:
            granted = self.access_scopes.get(header[len("Bearer "):], set())
        if scope not in granted:
            raise SpotifyHTTPError(403, "Insufficient client scope")

    # --- endpoints --------------------------------------------------------------------------
    def accounts(self, method: str, path: str, query: dict, headers, body):
        if path == "/authorize" and method == "GET":
            return self._authorize(query)
        if path == "/api/token" and method == "POST":
            return self._token(body if isinstance(body, dict) else {}, headers.get("Authorization"))
        return 405, {}, {"error": "method_not_allowed"}

    def _authorize(self, q: dict):
        if q.get("client_id") != self.client_id:
            return 400, {}, "INVALID_CLIENT: Invalid client"
        redirect_uri = q.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return 400, {}, "INVALID_CLIENT: Invalid redirect URI"
        if q.get("response_type") != "code":
            return 400, {}, "unsupported_response_type"
        if q.get("code_challenge") and q.get("code_challenge_method") != "S256":
            return 400, {}, "code_challenge_method must be S256"
        sep = "&" if "?" in redirect_uri else "?"
        params = {"state": q["state"]} if "state" in q else {}
        if self.deny_authorization:
            self.deny_authorization = False
            return 302, {"Location": redirect_uri + sep + urlencode({"error": "access_denied", **params})}, None
        code = "CODE-" + secrets.token_urlsafe(16)
        with self._auth_lock:
            self.codes[code] = {"redirect_uri": redirect_uri, "scope": q.get("scope") or "",
                                "challenge": q.get("code_challenge"), "used": False}
        return 302, {"Location": redirect_uri + sep + urlencode({"code": code, **params})}, None

    def _client_ok(self, form: dict, auth_header: str | None, *, pkce_allowed: bool) -> bool:
        if auth_header and auth_header.startswith("Basic "):
            try:
                cid, _, secret = base64.b64decode(auth_header[6:]).decode().partition(":")
            except ValueError:
                return False
            return cid == self.client_id and secret == self.client_secret
        return pkce_allowed and form.get("client_id") == self.client_id

    def _token(self, form: dict, auth_header: str | None):
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange_code(form, auth_header)
        if grant == "refresh_token":
            return self._refresh(form, auth_header)
        return _oauth_error("unsupported_grant_type", f"grant_type {grant!r} is not supported")

    def _exchange_code(self, form: dict, auth_header: str | None):
        with self._auth_lock:
            info = self.codes.get(form.get("code", ""))
            if info is None or info["used"]:
                return _oauth_error("invalid_grant", "Invalid authorization code")
            if info["redirect_uri"] != form.get("redirect_uri"):
                return _oauth_error("invalid_grant", "Invalid redirect URI")
            pkce = info["challenge"] is not None
            if not self._client_ok(form, auth_header, pkce_allowed=pkce):
                return _oauth_error("invalid_client", "Invalid client", 401 if auth_header else 400)
            if pkce and not auth_header and pkce_challenge(form.get("code_verifier", "")) != info["challenge"]:
                return _oauth_error("invalid_grant", "code_verifier was incorrect")
            info["used"] = True
        scope = info["scope"] or "user-library-read"
        token = self.issue_token(scope)
        token.pop("expires_at")
        return 200, {}, token

    def _refresh(self, form: dict, auth_header: str | None):
        if not self._client_ok(form, auth_header, pkce_allowed=True):
            return _oauth_error("invalid_client", "Invalid client", 401 if auth_header else 400)
        old = form.get("refresh_token", "")
        with self._auth_lock:
            info = self.refresh_tokens.get(old)
            if info is None:
                return _oauth_error("invalid_grant", "Invalid refresh token")
            if info["status"] != "ok":
                return _oauth_error("invalid_grant", f"Refresh token {info['status']}")
            access = "AT-" + secrets.token_urlsafe(24)
            self.access_tokens[access] = time.time() + self.token_ttl
            self.access_scopes[access] = set(info["scope"].split())
            payload = {"access_token": access, "token_type": "Bearer", "expires_in": self.token_ttl,
                       "scope": info["scope"]}
            if self.rotate_refresh_tokens:
                new = "RT-" + secrets.token_urlsafe(24)
                self.refresh_tokens[new] = {"scope": info["scope"], "status": "ok"}
                info["status"] = "revoked"
                payload["refresh_token"] = new
        return 200, {}, payload
