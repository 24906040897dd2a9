-- predictions, their features, outcomes, service samples
CREATE TABLE predictions (
    id VARCHAR PRIMARY KEY,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    model_version VARCHAR,
    score DOUBLE,
    predicted_label INTEGER,
    latency_seconds DOUBLE,
    status VARCHAR NOT NULL,
    error_kind VARCHAR,
    source VARCHAR NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE TABLE prediction_features (
    id VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    value DOUBLE
);
CREATE TABLE outcomes (
    id VARCHAR PRIMARY KEY,
    label INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE TABLE service_samples (
    ts TIMESTAMP NOT NULL,
    in_flight INTEGER NOT NULL,
    active_models INTEGER NOT NULL
);

