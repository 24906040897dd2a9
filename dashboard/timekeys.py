"""The shared time range as one string value, so every page callback that reads ids.RANGE follows it:
a relative key of theme.RANGES ("7d") or an absolute window "abs:<from>/<to>" (naive UTC ISO times),
set by the from-to picker, by zooming a chart, or by the URL (?range=7d or ?from=...&to=...)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlencode

from dashboard.theme import DEFAULT_RANGE, RANGES

PREFIX = "abs:"


def absolute_key(since: datetime, until: datetime) -> str:
    return f"{PREFIX}{since.replace(microsecond=0).isoformat()}/{until.replace(microsecond=0).isoformat()}"


def parse_time(text: str | None) -> datetime | None:
    """An ISO time as plotly or a datetime-local input writes it ("2026-03-01 10:00:00.25", "2026-03-01T10:00")."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(str(text).strip().replace("Z", ""))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def picked_range(since_text: str | None, until_text: str | None) -> tuple[str | None, str]:
    """The absolute key the from-to inputs name, or None and a one-line reason a person can act on."""
    since, until = parse_time(since_text), parse_time(until_text)
    if since is None or until is None:
        which = " and ".join(name for name, t in (("from", since), ("to", until)) if t is None)
        return None, f"Enter {which} as a date and time in UTC (YYYY-MM-DD HH:MM)"
    if since >= until:
        return None, "“from” must be before “to”"
    return absolute_key(since, until), ""


def parse_absolute(key: str | None) -> tuple[datetime, datetime] | None:
    if not key or not key.startswith(PREFIX) or "/" not in key:
        return None
    since, until = (parse_time(part) for part in key[len(PREFIX) :].split("/", 1))
    return (since, until) if since and until and since < until else None


def range_options(value: str | None) -> list[dict[str, str]]:
    """The relative ranges, plus the absolute window `value` when it is one (a select shows only offered values)."""
    options = [{"label": label, "value": key} for key, (label, _) in RANGES.items()]
    window = parse_absolute(value)
    if window and value:
        options.append({"label": f"{window[0]:%m-%d %H:%M} → {window[1]:%m-%d %H:%M} UTC", "value": value})
    return options


def value_from_query(search: str | None) -> str | None:
    """The range a URL query string asks for, or None when it names none (or an invalid one)."""
    query = parse_qs((search or "").lstrip("?"))
    if "range" in query and query["range"][0] in RANGES:
        return query["range"][0]
    since, until = parse_time(query.get("from", [None])[0]), parse_time(query.get("to", [None])[0])
    return absolute_key(since, until) if since and until and since < until else None


def live_from_query(search: str | None) -> bool:
    return parse_qs((search or "").lstrip("?")).get("live", ["1"])[0] != "0"


def query_for(value: str | None, live: bool) -> str:
    """The query string that restores `value` and the live toggle."""
    window = parse_absolute(value)
    params = {"from": window[0].isoformat(), "to": window[1].isoformat()} if window else {"range": value or DEFAULT_RANGE}
    if not live:
        params["live"] = "0"
    return "?" + urlencode(params)
