-- Regression outcomes: a label that is not an integer in [0, 1,000,000] (a price, a delay) is kept exactly
-- in outcome_values, its outcomes row holding a NULL label, so binary and multiclass outcomes are stored
-- as before (same columns, same insert). A regression model's predicted value is the predictions row's
-- score (any finite double): no new column, so the binary ingest path is unchanged.
ALTER TABLE outcomes ALTER COLUMN label DROP NOT NULL;
CREATE TABLE outcome_values (
    id VARCHAR PRIMARY KEY,
    value DOUBLE NOT NULL
);
