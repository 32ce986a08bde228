"""Web API routes of the fake Spotify: reads with paging, playlist writes and the removed endpoints (403)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

# Endpoints removed for Development Mode apps (Feb 2026 and Nov 2024): always 403 "Forbidden".
REMOVED = [re.compile(p) for p in (
    r"^tracks$", r"^artists$", r"^albums$", r"^episodes$", r"^shows$", r"^audiobooks$",
    r"^playlists/[^/]+/tracks$", r"^playlists/[^/]+/followers(/contains)?$", r"^users/[^/]+(/playlists)?$",
    r"^audio-features(/.*)?$", r"^audio-analysis(/.*)?$", r"^recommendations(/.*)?$",
    r"^artists/[^/]+/(related-artists|top-tracks)$", r"^me/(tracks|albums|episodes|shows)/contains$",
    r"^markets$", r"^browse/.*$",
)]
MAX_PAGE = 50
TIME_RANGES = ("short_term", "medium_term", "long_term")
# Endpoints that need a scope beyond the library ones (403 "Insufficient client scope" without it).
LISTENING_ROUTES = {"me/player/recently-played": "user-read-recently-played", "me/top/tracks": "user-top-read",
                    "me/top/artists": "user-top-read"}
MAX_WRITE = 100
MAX_LIBRARY_URIS = 40


class SpotifyHTTPError(Exception):
    """An error answer in the Web API's shape."""

    def __init__(self, status: int, message: str, headers: dict | None = None, reason: str | None = None):
        super().__init__(message)
        self.status, self.message, self.headers, self.reason = status, message, headers or {}, reason

    def payload(self) -> dict:
        error = {"status": self.status, "message": self.message}
        if self.reason:
            error["reason"] = self.reason
        return {"error": error}


def _int(query: dict, name: str, default: int, lo: int, hi: int, message: str) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SpotifyHTTPError(400, message) from None
    if not lo <= value <= hi:
        raise SpotifyHTTPError(400, message)
    return value


def _uris_from(query: dict, body) -> list[str] | None:
    if query.get("uris"):
        return [u for u in query["uris"].split(",") if u]
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and "uris" in body:
        return list(body["uris"] or [])
    return None


class RoutesMixin:
    """`route()` runs with `self.data.lock` held; `self.data` is a FakeData."""

    def _base(self) -> str:
        return self.api_url

    def page(self, path: str, items: list, query: dict, render, extra: dict | None = None) -> dict:
        limit = _int(query, "limit", 20, 1, MAX_PAGE, "Invalid limit")
        offset = _int(query, "offset", 0, 0, 100_000, "Invalid offset")
        chunk = items[offset:offset + limit]

        def link(off: int) -> str:
            return f"{self._base()}{path}?" + urlencode({"offset": off, "limit": limit, **(extra or {})})

        return {"href": link(offset), "items": [render(x) for x in chunk], "limit": limit, "offset": offset,
                "total": len(items), "next": link(offset + limit) if offset + limit < len(items) else None,
                "previous": link(max(0, offset - limit)) if offset > 0 else None}

    def route(self, method: str, path: str, query: dict, body):
        data = self.data
        if any(p.match(path) for p in REMOVED):
            raise SpotifyHTTPError(403, "Forbidden")
        if method == "GET" and path == "me":
            return 200, {}, data.user_object(self._base())
        if path == "me/tracks":
            if method != "GET":
                raise SpotifyHTTPError(403, "Forbidden")
            return 200, {}, self.page(path, data.liked, query,
                                      lambda pair: {"added_at": pair[0], "track": data.tracks.get(pair[1])})
        if path == "me/playlists":
            if method == "GET":
                listed = [data.playlists[p] for p in data.followed if p in data.playlists]
                return 200, {}, self.page(path, listed, query,
                                          lambda pl: data.playlist_object(pl, self._base(), full=False))
            if method == "POST":
                return self._create_playlist(body)
        if path == "me/player/recently-played" and method == "GET":
            return 200, {}, self._recently_played(query)
        if path == "me/top/tracks" and method == "GET":
            time_range = query.get("time_range") or "medium_term"
            if time_range not in TIME_RANGES:
                raise SpotifyHTTPError(400, "Invalid time range")
            return 200, {}, self.page(path, data.top[time_range], query, lambda tid: data.tracks[tid],
                                      {"time_range": time_range})
        if path == "me/library" and method in ("PUT", "DELETE"):
            return self._library_write(method, query)
        if path == "me/library/contains" and method == "GET":
            uris = [u for u in query.get("uris", "").split(",") if u]
            liked = {f"spotify:track:{t}" for _, t in data.liked}
            return 200, {}, [u in liked or u.removeprefix("spotify:playlist:") in data.followed for u in uris]
        match = re.fullmatch(r"(tracks|artists|episodes)/([^/]+)", path)
        if match and method == "GET":
            store = {"tracks": data.tracks, "artists": data.artists, "episodes": data.episodes}[match[1]]
            if match[2] not in store:
                raise SpotifyHTTPError(404, "Resource not found") if len(match[2]) == 22 else \
                    SpotifyHTTPError(400, "Invalid base62 id")
            return 200, {}, store[match[2]]
        match = re.fullmatch(r"playlists/([^/]+)(/items)?", path)
        if match:
            playlist = data.playlists.get(match[1])
            if playlist is None:
                raise SpotifyHTTPError(404, "Resource not found")
            if match[2]:
                return self._items(method, playlist, query, body)
            if method == "GET":
                return 200, {}, _select_fields(data.playlist_object(playlist, self._base(), full=True),
                                               query.get("fields"))
            if method == "PUT":
                return self._change_details(playlist, body)
        raise SpotifyHTTPError(404, "Service not found")

    # --- listening ------------------------------------------------------------------------
    def _recently_played(self, query: dict) -> dict:
        """A cursor page, newest first: `after` (ms) returns plays after it, `before` plays before it;
        only the newest `history_window` plays exist; `next` pages backwards with `before`."""
        limit = _int(query, "limit", 20, 1, MAX_PAGE, "Invalid limit")
        if query.get("after") and query.get("before"):
            raise SpotifyHTTPError(400, "Only one of after and before may be given")
        after = _int(query, "after", -1, 0, 10**14, "Invalid after")
        before = _int(query, "before", 10**14, 0, 10**14, "Invalid before")
        window = self.data.plays[:self.data.history_window]
        chosen = [p for p in window if after < p[0] < before]
        items = chosen[:limit]
        base = f"{self._base()}me/player/recently-played"
        shown = {k: query[k] for k in ("limit", "after", "before") if query.get(k)}
        cursors = {"after": str(items[0][0]), "before": str(items[-1][0])} if items else None
        return {"href": f"{base}?{urlencode(shown)}", "limit": limit, "cursors": cursors,
                "next": f"{base}?{urlencode({'before': items[-1][0], 'limit': limit})}"
                if len(chosen) > limit else None,
                "items": [self.data.play_object(p, self._base()) for p in items]}

    # --- playlists --------------------------------------------------------------------------
    def _create_playlist(self, body):
        body = body if isinstance(body, dict) else {}
        if not body.get("name"):
            raise SpotifyHTTPError(400, "Missing required field: name")
        public = body.get("public", True)
        collaborative = bool(body.get("collaborative", False))
        if collaborative and public:
            raise SpotifyHTTPError(400, "Collaborative playlists cannot be public")
        pid = self.data.add_playlist(body["name"], [], public=bool(public), collaborative=collaborative,
                                     description=body.get("description") or "")
        return 201, {}, self.data.playlist_object(self.data.playlists[pid], self._base(), full=True)

    def _change_details(self, playlist, body):
        if playlist.owner_id != self.data.user_id:
            raise SpotifyHTTPError(403, "Forbidden")
        body = body if isinstance(body, dict) else {}
        for key in ("name", "description", "public", "collaborative"):
            if key in body and body[key] is not None:
                setattr(playlist, key, body[key])
        self.data.touch(playlist.id)
        return 200, {}, None

    def _library_write(self, method: str, query: dict):
        uris = [u for u in query.get("uris", "").split(",") if u]
        if not uris or len(uris) > MAX_LIBRARY_URIS:
            raise SpotifyHTTPError(400, "Invalid uris: 1 to 40 URIs expected")
        data = self.data
        for uri in uris:
            kind, _, ident = uri.removeprefix("spotify:").partition(":")
            if kind == "playlist":
                if ident not in data.playlists:
                    raise SpotifyHTTPError(404, "Resource not found")
                if method == "PUT" and ident not in data.followed:
                    data.followed.insert(0, ident)
                if method == "DELETE" and ident in data.followed:
                    data.followed.remove(ident)
            elif kind == "track":
                if ident not in data.tracks:
                    raise SpotifyHTTPError(400, "Payload contains a non-existing ID")
                data.like([ident]) if method == "PUT" else data.unlike([ident])
            else:
                raise SpotifyHTTPError(400, f"Unsupported URI {uri}")
        return 200, {}, None

    def _items(self, method: str, playlist, query: dict, body):
        data = self.data
        if not data.readable(playlist):
            raise SpotifyHTTPError(403, "Forbidden")
        if method == "GET":
            extra = {k: query[k] for k in ("additional_types", "market") if k in query}
            return 200, {}, self.page(f"playlists/{playlist.id}/items", playlist.entries, query,
                                      data.render_entry, extra)
        if method == "POST":
            uris = _uris_from(query, body)
            if uris is None:
                raise SpotifyHTTPError(400, "Missing uris")
            position = query.get("position")
            if position is None and isinstance(body, dict):
                position = body.get("position")
            return 201, {}, self._add(playlist, uris, position)
        if method == "PUT":
            uris = _uris_from(query, body)
            if uris is not None:
                return 200, {}, self._replace(playlist, uris)
            if isinstance(body, dict) and "range_start" in body:
                return 200, {}, self._reorder(playlist, body)
            raise SpotifyHTTPError(400, "Missing uris or range_start")
        if method == "DELETE":
            body = body if isinstance(body, dict) else {}
            return 200, {}, self._remove(playlist, body.get("items", body.get("tracks")))
        raise SpotifyHTTPError(405, "Method not allowed")

    def _entries_for(self, uris: list[str]):
        from tests.fakes.spotify_data import Entry

        if len(uris) > MAX_WRITE:
            raise SpotifyHTTPError(400, "You can add a maximum of 100 tracks per request.")
        entries = []
        for uri in uris:
            kind, _, ident = str(uri).removeprefix("spotify:").partition(":")
            store = {"track": self.data.tracks, "episode": self.data.episodes}.get(kind)
            if store is None or ident not in store:
                raise SpotifyHTTPError(400, "Payload contains a non-existing ID")
            entries.append(Entry(kind, ident, self.data._tick(), self.data.user_id))
        return entries

    def _add(self, playlist, uris: list[str], position) -> dict:
        entries = self._entries_for(uris)
        if position is None or position == "":
            playlist.entries.extend(entries)
        else:
            try:
                index = int(position)
            except (TypeError, ValueError):
                raise SpotifyHTTPError(400, "Invalid position") from None
            if not 0 <= index <= len(playlist.entries):
                raise SpotifyHTTPError(400, "Index out of bounds")
            playlist.entries[index:index] = entries
        return {"snapshot_id": self.data.touch(playlist.id)}

    def _replace(self, playlist, uris: list[str]) -> dict:
        playlist.entries = self._entries_for(uris)       # a replace re-adds everything: new added_at
        return {"snapshot_id": self.data.touch(playlist.id)}

    def _reorder(self, playlist, body: dict) -> dict:
        try:
            start, before = int(body["range_start"]), int(body["insert_before"])
            length = int(body.get("range_length") or 1)
        except (TypeError, ValueError, KeyError):
            raise SpotifyHTTPError(400, "Invalid range") from None
        size = len(playlist.entries)
        if start < 0 or length < 1 or start + length > size or not 0 <= before <= size:
            raise SpotifyHTTPError(400, "Index out of bounds")
        moved = playlist.entries[start:start + length]
        rest = playlist.entries[:start] + playlist.entries[start + length:]
        index = before if before <= start else before - length
        rest[index:index] = moved
        playlist.entries = rest
        return {"snapshot_id": self.data.touch(playlist.id)}

    def _remove(self, playlist, items) -> dict:
        if not isinstance(items, list) or not items:
            raise SpotifyHTTPError(400, "Missing items")
        if len(items) > MAX_WRITE:
            raise SpotifyHTTPError(400, "You can remove a maximum of 100 tracks per request.")
        drop_all, drop_at = set(), set()
        uris = [self.data.entry_uri(e) for e in playlist.entries]
        for obj in items:
            uri = obj.get("uri") if isinstance(obj, dict) else None
            if not uri:
                raise SpotifyHTTPError(400, "Missing uri")
            if obj.get("positions") is None:
                drop_all.add(uri)
                continue
            for pos in obj["positions"]:
                if not 0 <= pos < len(uris) or uris[pos] != uri:
                    raise SpotifyHTTPError(400, "Could not remove tracks, please check parameters.")
                drop_at.add(pos)
        playlist.entries = [e for i, e in enumerate(playlist.entries)
                            if i not in drop_at and uris[i] not in drop_all]
        return {"snapshot_id": self.data.touch(playlist.id)}


def _select_fields(obj: dict, fields: str | None) -> dict:
    """A coarse `fields=` filter: keeps the named top-level keys (nested selections keep the whole key)."""
    if not fields:
        return obj
    wanted = {re.split(r"[.(]", part.strip(), maxsplit=1)[0] for part in re.split(r",(?![^(]*\))", fields)}
    return {k: v for k, v in obj.items() if k in wanted}
