-- Sampling errors of each window's quality figures (analytics/uncertainty.py): 95 % Wilson intervals of the
-- proportions, standard errors of AUC (DeLong on the score bins), F1, the accuracy drop, MAE and RMSE.
-- A task with no such figure leaves its columns NULL.
ALTER TABLE model_evaluations ADD COLUMN auc_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN accuracy_lo DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN accuracy_hi DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN precision_lo DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN precision_hi DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN recall_lo DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN recall_hi DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN f1_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN labelled_share_lo DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN labelled_share_hi DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN accuracy_drop_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN mae_se DOUBLE;
ALTER TABLE model_evaluations ADD COLUMN rmse_se DOUBLE;
-- RMSE's error needs the sum of e^4. Minutes profiled before this migration have none (NULL): a window
-- holding one gives no RMSE error, and a tier rolled from one keeps the NULL (profile_tiers.NULL_SUM).
ALTER TABLE regression_profile ADD COLUMN e_4 DOUBLE;
ALTER TABLE regression_profile_hour ADD COLUMN e_4 DOUBLE;
ALTER TABLE regression_profile_day ADD COLUMN e_4 DOUBLE;
