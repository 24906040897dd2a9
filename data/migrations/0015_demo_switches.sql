-- Each change of a demo switch (predictor/demo.py: input_drift, concept_drift, load_spike, error_burst), and
-- every switch's state when the demo starts (so an episode left on by a stopped process ends there). The
-- alert backtest pairs them into fault episodes (data/queries/demo_episodes.py) to measure detection delay.
CREATE TABLE demo_switches (
    ts TIMESTAMP NOT NULL,
    switch VARCHAR NOT NULL,
    turned_on BOOLEAN NOT NULL
);
