-- alert instances and their transitions (pending and firing state survive a restart)
CREATE TABLE alerts (
    id VARCHAR PRIMARY KEY,            -- rule id @ the time it became pending
    rule VARCHAR NOT NULL,             -- name:severity
    name VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    state VARCHAR NOT NULL,            -- pending | firing | resolved | inactive (pending that never fired)
    value DOUBLE,                      -- the newest value the condition saw
    threshold DOUBLE,
    subject VARCHAR,                   -- the model, feature or process behind the value, if any
    started_at TIMESTAMP NOT NULL,     -- became pending
    fired_at TIMESTAMP,
    resolved_at TIMESTAMP,             -- resolved, or left pending without firing
    last_true_at TIMESTAMP,            -- newest evaluation where the condition held
    last_eval_at TIMESTAMP,
    notified_state VARCHAR,            -- the last transition the webhook accepted
    notified_at TIMESTAMP,
    description VARCHAR
);
CREATE TABLE alert_transitions (
    ts TIMESTAMP NOT NULL,
    alert_id VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    from_state VARCHAR NOT NULL,
    to_state VARCHAR NOT NULL,
    value DOUBLE
);
