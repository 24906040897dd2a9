-- Regression models' per-minute profiles (data/queries/regression_profiles.py) with hour and day tiers:
-- sums from which MAE, RMSE, MAPE, sMAPE, R² and the mean error of any window are exact, and counts of
-- signed errors on fixed log-spaced bins for the error quantiles. Its figures go to model_evaluations by
-- name (answers/results.py RegressionQuality); a classifier's rows leave these columns NULL.
CREATE TABLE regression_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    n BIGINT NOT NULL,
    p_sum DOUBLE,
    p_sq DOUBLE,
    labelled BIGINT NOT NULL,
    y_sum DOUBLE,
    y_sq DOUBLE,
    e_sum DOUBLE,
    e_sq DOUBLE,
    abs_sum DOUBLE,
    ape_n BIGINT,
    ape_sum DOUBLE,
    smape_sum DOUBLE
);
CREATE TABLE regression_profile_hour AS FROM regression_profile LIMIT 0;
CREATE TABLE regression_profile_day AS FROM regression_profile LIMIT 0;
CREATE TABLE regression_error_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    bin SMALLINT NOT NULL,
    n BIGINT NOT NULL
);
CREATE TABLE regression_error_profile_hour AS FROM regression_error_profile LIMIT 0;
CREATE TABLE regression_error_profile_day AS FROM regression_error_profile LIMIT 0;
ALTER TABLE model_evaluations ADD COLUMN mae DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN rmse DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN mape DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN mape_count BIGINT;
ALTER TABLE model_evaluations ADD COLUMN smape DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN r2 DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN mean_error DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN abs_error_p50 DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN abs_error_p90 DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN abs_error_p99 DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN abs_error_p50_bound DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN abs_error_p90_bound DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN abs_error_p99_bound DOUBLE;
