"""The dashboard's scripts, styles and JSON sent gzip-compressed to a browser that accepts it, and
their cache headers: a year for a fingerprinted file, revalidate every time for the page itself.

A file's compressed bytes are kept per (path, validator), so each file is compressed once; the
validator is its ETag or Last-Modified (which change with its mtime) or, for Dash's fingerprinted
bundles, the path itself (Dash puts the version and mtime in the file name). Dynamic JSON (the
layout, the callback answers) is compressed per response at a fast level. The JSON API and
/metrics are left as they are: their clients and streamed exports keep their own bodies.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

from flask import Flask, Request, Response, request

COMPRESSIBLE = frozenset({"application/javascript", "text/javascript", "text/css", "application/json"})
MIN_BYTES = 1024  # below this gzip's header and the client's work cost more than they save
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
DYNAMIC_PREFIXES = ("/_dash-layout", "/_dash-dependencies", "/_dash-update-component")
YEAR = 31_536_000
LONG_CACHE = f"public, max-age={YEAR}, immutable"
STATIC_LEVEL = 9  # once per file: the smallest body
DYNAMIC_LEVEL = 1  # per answer: cheap on the server, still about a fifth of a figure's JSON
CACHE_BYTES = 16 * 1024 * 1024  # every bundle the dashboard loads, compressed, is about 1.5 MB


class CompressedFiles:
    """Compressed bodies by (path, validator), least recently used dropped past `limit` bytes."""

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self.limit = limit
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: tuple[str, str], body: bytes) -> None:
        with self._lock:
            if key in self._bodies or len(body) > self.limit:
                return
            self._bodies[key] = body
            self._size += len(body)
            while self._size > self.limit:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


def fingerprinted(req: Request, response: Response) -> bool:
    """Whether the URL changes when the file does: Dash's `?m=<mtime>` on assets, or a bundle Dash
    already gave a long max-age (its file name carries the version and mtime)."""
    if req.path.startswith("/assets/"):
        return "m" in req.args
    return (response.cache_control.max_age or 0) >= YEAR


def accepts_gzip(req: Request) -> bool:
    return req.accept_encodings.quality("gzip") > 0


def _validator(response: Response) -> str:
    etag, _ = response.get_etag()
    return etag or response.headers.get("Last-Modified", "")


def compress(response: Response, files: CompressedFiles) -> None:
    """Replace a 200 response's body by its gzip encoding (from `files` for a static file)."""
    static = request.path.startswith(STATIC_PREFIXES)
    key = (request.path, _validator(response))
    body = files.get(key) if static else None
    if body is None:
        response.direct_passthrough = False  # Flask's send_file streams the file; read it whole
        plain = response.get_data()
        if len(plain) < MIN_BYTES:
            return
        body = gzip.compress(plain, compresslevel=STATIC_LEVEL if static else DYNAMIC_LEVEL, mtime=0)
        if static:
            files.put(key, body)
    else:
        response.close()  # the file send_file opened
    etag, _ = response.get_etag()
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:  # weak: the same content in another encoding, so If-None-Match still gets a 304
        response.set_etag(etag, weak=True)


def _compressible(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype in COMPRESSIBLE
        and "Content-Encoding" not in response.headers
        and (response.direct_passthrough or not response.is_streamed)  # a file from send_file, not a generator
        and (response.content_length is None or response.content_length >= MIN_BYTES)
    )


def register(server: Flask) -> None:
    files = CompressedFiles()

    @server.after_request
    def _compress(response: Response) -> Response:
        path = request.path
        if path.startswith(STATIC_PREFIXES) and fingerprinted(request, response):
            response.headers["Cache-Control"] = LONG_CACHE
        elif response.mimetype == "text/html" and not path.startswith("/api/"):
            response.headers["Cache-Control"] = "private, no-cache"  # the page: small, revalidated each time
        if not path.startswith(STATIC_PREFIXES + DYNAMIC_PREFIXES) or response.mimetype not in COMPRESSIBLE:
            return response
        response.vary.add("Accept-Encoding")
        if accepts_gzip(request) and _compressible(response):
            compress(response, files)
        return response
