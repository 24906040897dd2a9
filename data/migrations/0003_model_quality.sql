-- model quality, feature drift, feature importance, reference samples and curves
CREATE TABLE model_evaluations (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    model_version VARCHAR,
    window_seconds INTEGER NOT NULL,
    predictions BIGINT NOT NULL,
    labelled BIGINT NOT NULL,
    positives BIGINT,
    auc DOUBLE,
    average_precision DOUBLE,
    "precision" DOUBLE,
    recall DOUBLE,
    f1 DOUBLE,
    accuracy DOUBLE,
    estimated_accuracy DOUBLE,
    unlabelled BIGINT,
    brier DOUBLE,
    labelled_share DOUBLE,
    reference_accuracy DOUBLE,
    accuracy_drop DOUBLE,
    tp BIGINT,
    fp BIGINT,
    tn BIGINT,
    fn BIGINT,
    status VARCHAR NOT NULL
);
CREATE TABLE feature_drift (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    feature VARCHAR NOT NULL,
    psi DOUBLE,
    ks_statistic DOUBLE,
    ks_pvalue DOUBLE,
    reference_count BIGINT,
    current_count BIGINT,
    verdict VARCHAR NOT NULL
);
CREATE TABLE feature_importance (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    importance DOUBLE
);
-- Curve points of the latest evaluations (roc: x=fpr y=tpr; pr: x=recall y=precision;
-- calibration: x=mean score y=observed positive rate, n=rows in the bin).
CREATE TABLE model_curves (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    curve VARCHAR NOT NULL,
    point INTEGER NOT NULL,
    x DOUBLE,
    y DOUBLE,
    threshold DOUBLE,
    n BIGINT
);
-- Each model's reference sample, long like prediction_features: one row per value; the score is
-- feature '__score__' and the true label '__label__'.
CREATE TABLE model_reference (
    model VARCHAR NOT NULL,
    model_version VARCHAR,
    row_id INTEGER NOT NULL,
    feature VARCHAR NOT NULL,
    value DOUBLE,
    created_at TIMESTAMP NOT NULL
);
-- A reference sample never changes once stored, so its quantile edges and bin counts are computed
-- once (data/queries/drift.py) and each drift pass bins only the current window's rows.
CREATE TABLE model_reference_stats (
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    lo DOUBLE,
    hi DOUBLE,
    e DOUBLE[],
    nr BIGINT NOT NULL
);
CREATE TABLE model_reference_bins (
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    kb INTEGER NOT NULL,
    pb INTEGER NOT NULL,
    rn BIGINT NOT NULL,
    vmin DOUBLE,
    vmax DOUBLE
);
