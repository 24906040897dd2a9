-- hour and day tiers of the per-minute profiles: the same columns, ts = the bucket's start;
-- rolled from the tier below by data/queries/profile_tiers.py, kept for the rollups' hour retention
CREATE TABLE score_profile_hour AS FROM score_profile LIMIT 0;
CREATE TABLE feature_profile_hour AS FROM feature_profile LIMIT 0;
CREATE TABLE feature_profile_stats_hour AS FROM feature_profile_stats LIMIT 0;
CREATE TABLE category_profile_hour AS FROM category_profile LIMIT 0;
CREATE TABLE score_profile_day AS FROM score_profile LIMIT 0;
CREATE TABLE feature_profile_day AS FROM feature_profile LIMIT 0;
CREATE TABLE feature_profile_stats_day AS FROM feature_profile_stats LIMIT 0;
CREATE TABLE category_profile_day AS FROM category_profile LIMIT 0;
