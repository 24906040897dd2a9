-- drift verdicts by effect size: each numeric feature's Wasserstein distance to its reference, in the
-- reference's standard deviations, from the profile bins with the bound of its error (analytics/binned_drift.py)
ALTER TABLE feature_drift ADD COLUMN wasserstein DOUBLE;
ALTER TABLE feature_drift ADD COLUMN wasserstein_error_bound DOUBLE;
