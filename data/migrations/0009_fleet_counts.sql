-- running totals behind the fleet counters on /metrics (data/queries/fleet_counts.py)
-- Each profile minute's labelled scores per fleet bucket (0..49), outcome (1 positive, 0 negative) and
-- predicted label, and its feature values per PSI decile bin (0..9): what it last added to the totals.
CREATE TABLE fleet_minute_scores (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    bucket INTEGER NOT NULL,
    outcome TINYINT NOT NULL,
    predicted TINYINT NOT NULL,
    n BIGINT NOT NULL,
    score_sum DOUBLE NOT NULL
);
CREATE TABLE fleet_minute_features (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    feature VARCHAR NOT NULL,
    psi_bin INTEGER NOT NULL,
    n BIGINT NOT NULL
);
-- The totals: every minute's last contribution added up; retention deletes minutes, never totals.
CREATE TABLE fleet_total_scores (
    model VARCHAR NOT NULL,
    bucket INTEGER NOT NULL,
    outcome TINYINT NOT NULL,
    predicted TINYINT NOT NULL,
    n BIGINT NOT NULL,
    score_sum DOUBLE NOT NULL,
    PRIMARY KEY (model, bucket, outcome, predicted)
);
CREATE TABLE fleet_total_features (
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    psi_bin INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (model, feature, psi_bin)
);
-- Each model's reference edges as the totals last saw them: new edges re-count every minute of the model.
CREATE TABLE fleet_edge_state (
    model VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL
);
