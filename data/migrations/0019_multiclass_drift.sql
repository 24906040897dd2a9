-- multiclass class-share drift: each model's reference class counts and each window's drift against them
-- A multiclass model's reference: the predicted and the true classes of its first 2,000 labelled
-- predictions (by time, as a binary model's first labelled rows become its reference), frozen once it has them.
CREATE TABLE model_class_reference (
    model VARCHAR NOT NULL,
    side VARCHAR NOT NULL,  -- 'prediction' | 'label'
    class VARCHAR NOT NULL,
    n BIGINT NOT NULL
);
-- Per evaluation window and side: the window's class counts against the reference's (PSI and JS as for a
-- categorical feature, chi-squared two-sample as scipy.stats.chi2_contingency with Yates' correction).
CREATE TABLE multiclass_class_drift (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    side VARCHAR NOT NULL,
    psi DOUBLE,
    chi2_statistic DOUBLE,
    chi2_pvalue DOUBLE,
    js_distance DOUBLE,
    reference_count BIGINT NOT NULL,
    current_count BIGINT NOT NULL,
    verdict VARCHAR NOT NULL
);
