-- multivariate drift (analytics/multivariate.py): the standardisation of each model's numeric features
-- (mean and population sd over the reference's complete rows, i = the feature's place in the vectors
-- below); rebuilt with the reference edges. A feature constant in the reference is left out.
CREATE TABLE multivariate_reference (
    model VARCHAR NOT NULL,
    i INTEGER NOT NULL,
    feature VARCHAR NOT NULL,
    mean DOUBLE NOT NULL,
    sd DOUBLE NOT NULL
);
-- Per model and minute, over the predictions whose reference features are all present and finite
-- (standardised z = (x - mean) / sd): n, sum of z (d values) and sum of z z^T (its upper triangle, row
-- by row: d (d + 1) / 2 values); `skipped` counts the predictions left out for a missing, null or
-- non-finite feature. Lists, not (i, j, value) rows: 1 row a minute instead of ~80, merged faster
-- (data/queries/multivariate.py). Hour and day tiers as for the other profiles.
CREATE TABLE multivariate_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    n BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    z DOUBLE[] NOT NULL,
    zz DOUBLE[] NOT NULL
);
CREATE TABLE multivariate_profile_hour AS FROM multivariate_profile LIMIT 0;
CREATE TABLE multivariate_profile_day AS FROM multivariate_profile LIMIT 0;
-- Per evaluation window: the mean squared PCA reconstruction error, the reference band, the verdict,
-- the components kept and the features contributing most (JSON: [{"feature", "contribution"}]).
CREATE TABLE multivariate_drift (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    n BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    error DOUBLE,
    band_low DOUBLE,
    band_high DOUBLE,
    components INTEGER,
    verdict VARCHAR NOT NULL,
    top_features VARCHAR
);
