-- Estimated performance before labels (analytics/estimated.py): each binary model's calibration map,
-- fitted on its reference sample and rebuilt with it. Group grp holds the score-bin ids (the score
-- profile's, data/queries/profiles.py) from lo_bin up to the next group's lo_bin (the first from -infinity);
-- p is its positive rate among the n reference rows, made monotone by pool-adjacent-violators.
CREATE TABLE model_reference_calibration (
    model VARCHAR NOT NULL,
    grp INTEGER NOT NULL,
    lo_bin BIGINT NOT NULL,
    p DOUBLE NOT NULL,
    n BIGINT NOT NULL
);
-- Per evaluation window: the estimate over all its rows (expected confusion counts and figures, each with
-- its standard error), the estimate over its labelled rows beside the realized figures there, and the
-- estimator's error: the larger of |realized - estimated| / standard error for accuracy and AUC.
ALTER TABLE model_evaluations ADD COLUMN est_tp DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_fp DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_tn DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_fn DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_accuracy DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_accuracy_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_precision DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_precision_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_recall DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_recall_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_f1 DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_f1_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_auc DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_auc_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_labelled_accuracy DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_labelled_accuracy_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_labelled_auc DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN est_labelled_auc_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN estimator_error DOUBLE;
