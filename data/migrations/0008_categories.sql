-- categorical, boolean and missing feature values
-- A feature value that is a string (or a boolean, stored as 'true' / 'false') is a category: it is kept
-- here, one row per value, beside the numeric long table (prediction_features keeps numbers and nulls:
-- a null, of either kind of feature, is a prediction_features row with value NULL). A table of its own
-- rather than a column of prediction_features: every positional insert into that table stays valid
-- and an all-numeric batch writes exactly what it wrote before.
CREATE TABLE prediction_categories (
    id VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    category VARCHAR NOT NULL
);
-- A model's categorical reference: every distinct category of each categorical feature in its reference
-- rows with its count (rn); kept marks the top K (by count, then name) that get buckets of their own.
-- The others share the bucket '__other__', with every category never seen in the reference.
CREATE TABLE model_reference_categories (
    model VARCHAR NOT NULL,
    feature VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    rn BIGINT NOT NULL,
    kept BOOLEAN NOT NULL
);
-- Per model, minute and categorical feature: rows per bucket (a kept category, '__other__' or
-- '__missing__'); unseen counts the rows of '__other__' whose category the reference never had.
CREATE TABLE category_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    feature VARCHAR NOT NULL,
    bucket VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    unseen BIGINT NOT NULL
);
-- Per evaluation, window and feature: what feature_drift does not hold. kind is 'numeric' or
-- 'categorical'; the chi-squared p-value and Jensen-Shannon distance are of categorical features; the
-- missing shares (nulls among the window's rows, and among the reference's) are of both kinds.
CREATE TABLE feature_drift_detail (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    feature VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    chi2_pvalue DOUBLE,
    js_distance DOUBLE,
    missing_share DOUBLE,
    reference_missing_share DOUBLE,
    missing_verdict VARCHAR
);
