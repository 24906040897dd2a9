"""The dashboard's scripts go gzip-encoded with a year's max-age to a browser that asks, plain otherwise;
the page itself is revalidated each time; the JSON API keeps its plain bodies."""

from __future__ import annotations

import gzip
import re

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
YEAR = "max-age=31536000"


def _bundle_url(client) -> str:
    """The dash renderer's fingerprinted URL, as the page names it."""
    page = client.get("/").get_data(as_text=True)
    return re.search(r'src="(/_dash-component-suites/dash/dash-renderer/build/dash_renderer[^"]+)"', page).group(1)


def test_a_fingerprinted_bundle_is_gzip_encoded_and_cached_a_year_when_asked(client) -> None:
    url = _bundle_url(client)
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    for response in (plain, packed):
        assert YEAR in response.headers["Cache-Control"]
        assert "Accept-Encoding" in response.headers["Vary"]
    assert client.get(url, headers=GZIP).data == packed.data  # the kept copy, byte for byte


def test_an_asset_is_gzip_encoded_when_asked_and_long_cached_only_with_its_fingerprint(client) -> None:
    plain = client.get("/assets/history.js?m=1")
    packed = client.get("/assets/history.js?m=1", headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert plain.mimetype in ("text/javascript", "application/javascript")
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert YEAR in packed.headers["Cache-Control"] and YEAR in plain.headers["Cache-Control"]
    unversioned = client.get("/assets/history.js", headers=GZIP)
    assert unversioned.headers["Content-Encoding"] == "gzip"
    assert YEAR not in unversioned.headers.get("Cache-Control", "")
    # the weak ETag of the gzip body still revalidates to a 304
    again = client.get("/assets/history.js", headers={**GZIP, "If-None-Match": unversioned.headers["ETag"]})
    assert again.status_code == 304


def test_the_page_is_revalidated_and_the_api_stays_plain(client) -> None:
    page = client.get("/", headers=GZIP)
    assert page.headers["Cache-Control"] == "private, no-cache"
    assert "script-src" in page.headers["Content-Security-Policy"]
    layout = client.get("/_dash-layout", headers=GZIP)
    assert layout.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(layout.data).startswith(b"{")
    api = client.get("/api/openapi.json", headers=GZIP)
    assert api.status_code == 200 and "Content-Encoding" not in api.headers
