"""Drift page: the model, window and feature selects, the heatmap, the distribution overlay, the
impact table, the score's drift and the multivariate drift."""

from __future__ import annotations

from datetime import timedelta

from dash import Dash, Input, Output, State, no_update

from analytics.drift import PSI_MODERATE, PSI_SIGNIFICANT, rank_by_impact
from analytics.importance import pick_importance
from callbacks.livegraph import figure_outputs, keep_zoom
from callbacks.model import choose, options
from callbacks.timerange import window
from dashboard import figures_drift as figs
from dashboard import figures_drift_multivariate as figs_mv
from dashboard import ids
from dashboard.alert_shading import add_alert_periods, periods_for
from dashboard.tables_drift import drift_table
from data.clock import utcnow
from data.queries import alerts as alert_queries
from data.queries import category_profiles as cp
from data.queries import model_views as mv
from data.queries import multivariate as mq
from data.queries.drift import SCORE
from data.store import Store

PSI_BANDS = (PSI_MODERATE, PSI_SIGNIFICANT)  # the verdict bands the figures draw
GRAPHS = (ids.DRIFT_HEATMAP_GRAPH, ids.DRIFT_DISTRIBUTION_GRAPH, ids.DRIFT_SCORE_GRAPH, ids.DRIFT_MULTIVARIATE_GRAPH)
WINDOW_LABELS = {"recent": "Since the last evaluation"}


def register(app: Dash, store: Store, windows: dict[str, int]) -> None:
    """The page's callbacks over the store; `windows` the drift windows the evaluation job stores (label -> seconds)."""
    keep_zoom(app, *GRAPHS)
    _selects(app, store, windows)
    _charts(app, store, windows)


def _selects(app: Dash, store: Store, windows: dict[str, int]) -> None:
    @app.callback(
        Output(ids.DRIFT_MODEL, "options"),
        Output(ids.DRIFT_MODEL, "value"),
        Output(ids.DRIFT_WINDOW, "options"),
        Output(ids.DRIFT_WINDOW, "value"),
        Output(ids.DRIFT_FEATURE, "options"),
        Output(ids.DRIFT_FEATURE, "value"),
        Input(ids.TICK, "data"),
        State(ids.DRIFT_MODEL, "value"),
        State(ids.DRIFT_WINDOW, "value"),
        State(ids.DRIFT_FEATURE, "value"),
        State(ids.DRIFT_FEATURE, "options"),
    )
    def selects(_n: int, model: str | None, window_label: str | None, feature: str | None, feature_options: list | None) -> tuple:
        model = choose(model, mv.evaluated_models(store))
        window_label = window_label if window_label in windows else next(iter(windows))  # windows always has 'recent'
        features = [r["feature"] for r in mv.latest_drift(store, model, windows[window_label])] if model else []
        features = sorted(f for f in features if f != SCORE) + ([SCORE] if SCORE in features else [])
        new_features = options(features, {SCORE: "model score"})
        return (
            options(mv.evaluated_models(store)),
            model,
            options(list(windows), WINDOW_LABELS),
            window_label,
            no_update if new_features == feature_options else new_features,
            choose(feature, features),
        )


def _charts(app: Dash, store: Store, windows: dict[str, int]) -> None:
    @app.callback(
        *figure_outputs(*GRAPHS),
        Output(ids.DRIFT_TABLE, "children"),
        Input(ids.TICK, "data"),
        Input(ids.RANGE, "value"),
        Input(ids.DRIFT_MODEL, "value"),
        Input(ids.DRIFT_WINDOW, "value"),
        Input(ids.DRIFT_FEATURE, "value"),
    )
    def charts(_n: int, range_key: str, model: str | None, window_label: str | None, feature: str | None) -> tuple:
        seconds = windows.get(window_label or "", windows["recent"])
        since, until = window(range_key, utcnow())
        revision = f"{range_key}:{model}:{window_label}"
        series = mv.drift_series(store, model or "", seconds, since, until)
        shares = mv.distribution(store, model, feature, until - timedelta(seconds=seconds), until) if model and feature else None
        categories = (
            cp.category_shares(store, model, feature, until - timedelta(seconds=seconds), until) if model and feature else None
        )  # None unless the feature is categorical
        importance, _ = pick_importance(list(mv.latest_importance(store, model or "").itertuples(index=False, name=None)))
        latest = [r for r in mv.latest_drift(store, model or "", seconds) if r["feature"] != SCORE]
        # multivariate drift has no window under a minute: "recent" shows the shortest one it has
        joint = seconds if seconds >= 60 else min((w for w in windows.values() if w >= 60), default=seconds)
        return (
            figs.make_psi_heatmap_figure(series, PSI_BANDS, revision),
            figs.make_category_figure(categories, feature or "", f"{revision}:{feature}")
            if categories is not None
            else figs.make_distribution_figure(shares, feature, f"{revision}:{feature}"),
            # The heatmap's cells would hide a shaded period: drift alerts shade the score's chart below it.
            add_alert_periods(
                figs.make_score_drift_figure(series, PSI_BANDS, revision),
                periods_for(alert_queries.periods(store, since, until), "drift_psi_max"),
            ),
            figs_mv.make_multivariate_figure(mq.series(store, model or "", joint, since, until), f"{revision}:{joint}"),
            drift_table(rank_by_impact(latest, importance)),
        )
