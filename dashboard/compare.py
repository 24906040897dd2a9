"""Compare periods: the same range a day or a week earlier, shifted forward onto the current
time axis so both periods line up. Pure: frames in, frames, labels and trace dicts out; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dashboard.fast_figure import numbers, times

if TYPE_CHECKING:
    import pandas as pd

OFF = "off"
# select value -> (how far back, the label traces and notes carry)
PERIODS: dict[str, tuple[timedelta, str]] = {"1d": (timedelta(days=1), "1 d earlier"), "1w": (timedelta(weeks=1), "1 wk earlier")}
OPTIONS = [{"label": "Off", "value": OFF}, {"label": "1 day earlier", "value": "1d"}, {"label": "1 week earlier", "value": "1w"}]
EARLIER_TIME = "earlier_ts"  # the column keeping a shifted row's real time, for the hover


@dataclass(frozen=True)
class Earlier:
    """An earlier period's rows, their `ts` moved forward onto the current axis, and their traces' label."""

    frame: pd.DataFrame
    label: str

    @property
    def empty(self) -> bool:
        return self.frame.empty


def period(key: str | None) -> tuple[timedelta, str] | None:
    """The offset and label of a select value; None when comparing is off (or the value is unknown)."""
    return PERIODS.get(key or OFF)


def earlier_window(since: datetime, until: datetime, offset: timedelta) -> tuple[datetime, datetime]:
    """The same range `offset` earlier: same length, so the queries pick the same resolution."""
    return since - offset, until - offset


def shift(frame: pd.DataFrame, offset: timedelta, label: str) -> Earlier:
    """Move each row's `ts` forward by `offset`; the real time stays in EARLIER_TIME as text for the hover
    (plotly cannot date-format customdata). Values are unchanged."""
    import pandas as pd

    moved = frame.copy()
    if "ts" in moved and not moved.empty:
        real = pd.to_datetime(moved["ts"])
        moved[EARLIER_TIME] = real.dt.strftime("%Y-%m-%d %H:%M:%S")
        moved["ts"] = real + offset
    else:
        moved[EARLIER_TIME] = pd.Series(dtype=str)
    return Earlier(moved, label)


def trace_name(name: str, earlier: Earlier) -> str:
    """ "model_a" -> "model_a (1 d earlier)"."""
    return f"{name} ({earlier.label})"


def note(earlier: Earlier | None) -> str | None:
    """The chart's subtitle when the earlier period is empty (otherwise the trace names say it all)."""
    return f"No data {earlier.label}: nothing to compare with" if earlier is not None and earlier.empty else None


def change_text(metric: str, now: float | None, before: float | None, unit: str, label: str) -> str | None:
    """ "p95 latency 41 ms vs 38 ms 1 d earlier (+8 %)", or None when either period has no value."""
    import pandas as pd

    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    change = f" ({(now - before) / before:+.0%})".replace("%", " %") if before else ""
    return f"{metric} {now:.3g}{unit} vs {before:.3g}{unit} {label}{change}"


def titled(title: str, earlier: Earlier | None) -> str:
    """A chart title with the compare note below it (a <sup> line: cheaper than a validated subtitle)."""
    text = note(earlier)
    return f"{title}<br><sup>{text}</sup>" if text else title


def note_margin(earlier: Earlier | None) -> dict[str, int]:
    """The top margin a title with a note needs."""
    return {"t": 64} if note(earlier) else {}


def earlier_line(
    part: pd.DataFrame, column: str, name: str, earlier: Earlier, color: str, scale: float = 1.0, **line: object
) -> dict:
    """A plotly scatter trace (a plain dict) of an earlier period's `column`: dimmed and dotted, named
    "<name> (1 d earlier)", its hover showing the real earlier time."""
    label = trace_name(name, earlier)
    return {
        "type": "scatter",
        "x": times(part["ts"]),
        "y": numbers(part[column]) * scale,
        "name": label,
        "mode": "lines",
        "opacity": 0.55,
        "line": {"color": color, "width": 1.5, "dash": "dot", **line},
        "customdata": part[EARLIER_TIME],
        "legendgroup": "earlier",
        "hovertemplate": f"{label}: %{{y:.3g}} at %{{customdata}}<extra></extra>",
    }


def change_note(earlier: Earlier | None, metrics: list[tuple[str, float | None, float | None, str]]) -> str:
    """One line of (metric, now, before, unit) changes, or why there is nothing to compare; "" when off."""
    if earlier is None:
        return ""
    if earlier.empty:
        return note(earlier) or ""
    parts = [text for metric in metrics if (text := change_text(*metric, earlier.label))]
    return "; ".join(parts) + "." if parts else ""


def _mean_rate(series: pd.DataFrame) -> float | None:
    """Requests/s of all models together, averaged over the buckets with requests."""
    return None if series.empty else float(series.groupby("ts")["requests_per_second"].sum().mean())


def _typical_p95_ms(series: pd.DataFrame) -> float | None:
    """The median of the buckets' p95 latencies (the frames hold per-bucket quantiles, not the raw rows)."""
    import pandas as pd

    value = series["p95"].median() if not series.empty else None
    return None if value is None or pd.isna(value) else float(value) * 1000


def predictions_changes(series: pd.DataFrame, earlier: Earlier | None) -> str:
    """ "throughput 20.1/s vs 18.3/s 1 d earlier (+10 %); typical p95 latency ..." of throughput series."""
    before = earlier.frame if earlier is not None else series.iloc[0:0]
    return change_note(
        earlier,
        [
            ("throughput", _mean_rate(series), _mean_rate(before), "/s"),
            ("typical p95 latency", _typical_p95_ms(series), _typical_p95_ms(before), " ms"),
        ],
    )


def quality_changes(series: pd.DataFrame, earlier: Earlier | None) -> str:
    """Mean AUC and measured accuracy of the range against the earlier period (quality series)."""

    def mean(frame: pd.DataFrame, column: str) -> float | None:
        return None if frame.empty or frame[column].isna().all() else float(frame[column].mean())

    before = earlier.frame if earlier is not None else series.iloc[0:0]
    return change_note(
        earlier,
        [
            ("mean AUC", mean(series, "auc"), mean(before, "auc"), ""),
            ("mean accuracy", mean(series, "accuracy"), mean(before, "accuracy"), ""),
        ],
    )
