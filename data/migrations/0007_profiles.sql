-- per-model, per-minute profiles of features and scores; error bounds of binned KS, AUC and AP
-- A model's reference edges: every distinct reference value of each feature (and '__score__') plus
-- the 9 PSI decile edges, i = 0.. in ascending order. rn counts the reference values equal to the
-- edge; pb_at / pb_after are the PSI bins of the edge itself and of the values just above it.
CREATE TABLE model_reference_edges (
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    i INTEGER NOT NULL,
    edge DOUBLE NOT NULL,
    rn BIGINT NOT NULL,
    pb_at SMALLINT NOT NULL,
    pb_after SMALLINT NOT NULL
);
-- Counts per minute (ts = the minute's start) in the model's reference bins: bin 0 holds values
-- below the first edge, 2i+1 values equal to edge i, 2i+2 values between edges i and i+1 (or above
-- the last). Only non-empty bins are stored. '__score__' is the score, binned like a feature.
CREATE TABLE feature_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    feature VARCHAR NOT NULL,
    bin INTEGER NOT NULL,
    n BIGINT NOT NULL
);
-- Per minute and feature: every row, named counters for bad input, and sums over finite values.
CREATE TABLE feature_profile_stats (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    feature VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    nulls BIGINT NOT NULL,
    nans BIGINT NOT NULL,
    below_reference BIGINT NOT NULL,
    above_reference BIGINT NOT NULL,
    no_reference BIGINT NOT NULL,
    total DOUBLE,
    total_sq DOUBLE,
    vmin DOUBLE,
    vmax DOUBLE
);
-- Scores per minute in fine bins (bin = floor(score * 10000), log-spaced within 1e-4 of 0 and 1: see
-- data/queries/profiles.py), by outcome (1 positive, 0 negative, -1 not yet labelled) and predicted
-- label, with the sums that make Brier score, calibration and estimated accuracy exact, and the bin's
-- smallest and largest score (a bin holding one distinct score is a true tie: AUC/AP exact there).
CREATE TABLE score_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    model_version VARCHAR,
    bin SMALLINT NOT NULL,
    outcome TINYINT NOT NULL,
    predicted TINYINT NOT NULL,
    n BIGINT NOT NULL,
    score_sum DOUBLE NOT NULL,
    score_sq DOUBLE NOT NULL,
    score_min DOUBLE NOT NULL,
    score_max DOUBLE NOT NULL
);
ALTER TABLE feature_drift ADD COLUMN ks_error_bound DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN auc_error_bound DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN ap_error_bound DOUBLE;
