-- Multiclass estimated performance before labels (analytics/multiclass_estimated.py). Per minute, EVERY row
-- that sent probabilities (labelled or not): class c's probability in the binary score bins, by whether the
-- row was predicted as c and whether it has its label yet. A class a row's probabilities leave out (p = 0)
-- is not stored: those rows are the scored rows of multiclass_profile less this table's (bin LOW_BIN).
CREATE TABLE class_prob_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    class VARCHAR NOT NULL,
    bin SMALLINT NOT NULL,
    predicted BOOLEAN NOT NULL,
    labelled BOOLEAN NOT NULL,
    n BIGINT NOT NULL
);
CREATE TABLE class_prob_profile_hour AS FROM class_prob_profile LIMIT 0;
CREATE TABLE class_prob_profile_day AS FROM class_prob_profile LIMIT 0;
-- Each multiclass model's one-vs-rest calibration maps, fitted on the scored rows of its reference (its
-- first 2,000 labelled predictions, as model_class_reference): per class, groups as in
-- model_reference_calibration (migration 0022), p the rate at which the class is the true one.
CREATE TABLE model_class_calibration (
    model VARCHAR NOT NULL,
    class VARCHAR NOT NULL,
    grp INTEGER NOT NULL,
    lo_bin BIGINT NOT NULL,
    p DOUBLE NOT NULL,
    n BIGINT NOT NULL
);
-- Per multiclass evaluation window, beside the est_* columns of model_evaluations (expected accuracy and
-- macro precision/recall/F1/AUC over all scored rows): the rows estimated, and the reconciliation on the
-- labelled scored rows (the realized accuracy and macro F1 there, the estimate of macro F1 there).
ALTER TABLE multiclass_evaluations ADD COLUMN est_rows BIGINT;
ALTER TABLE multiclass_evaluations ADD COLUMN est_labelled_rows BIGINT;
ALTER TABLE multiclass_evaluations ADD COLUMN est_labelled_f1 DOUBLE;
ALTER TABLE multiclass_evaluations ADD COLUMN est_labelled_f1_se DOUBLE;
ALTER TABLE multiclass_evaluations ADD COLUMN scored_accuracy DOUBLE;
ALTER TABLE multiclass_evaluations ADD COLUMN scored_f1 DOUBLE;
