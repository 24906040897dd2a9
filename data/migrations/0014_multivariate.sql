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
-- models with a reference already: their standardisation now (as data/queries/multivariate.py builds
-- it); their minutes get sums from the next rows on, older minutes are not rebuilt
INSERT INTO multivariate_reference
WITH r AS (SELECT model, row_id, feature, value FROM model_reference
           WHERE feature NOT IN ('__label__', '__predicted__', '__score__')),
f AS (SELECT model, feature FROM r GROUP BY ALL HAVING count(*) FILTER (isfinite(value)) > 0),
d AS (SELECT model, count(*) AS dim FROM f GROUP BY model),
ok AS (SELECT r.model, r.row_id FROM r SEMI JOIN f USING (model, feature) JOIN d USING (model)
       GROUP BY r.model, r.row_id, d.dim HAVING count(*) FILTER (isfinite(r.value)) = d.dim AND count(*) = d.dim),
s AS (SELECT model, feature, avg(value) AS mean, stddev_pop(value) AS sd FROM r SEMI JOIN f USING (model, feature)
      SEMI JOIN ok USING (model, row_id) GROUP BY ALL)
SELECT model, (row_number() OVER (PARTITION BY model ORDER BY feature) - 1)::INTEGER, feature, mean, sd FROM s WHERE sd > 0;
