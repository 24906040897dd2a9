-- multiclass models: predicted classes, probabilities, true class names, class sets, profiles, answers
-- (data/queries/multiclass.py). Classes are text: an integer class is stored as its decimal digits, so 3
-- and "3" are one class. A multiclass prediction keeps its `predictions` row (score and predicted_label
-- NULL) so freshness, retention and exports treat it like any other; what only multiclass rows have sits
-- beside it, keyed by id.
CREATE TABLE prediction_classes (
    id VARCHAR PRIMARY KEY,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    predicted VARCHAR NOT NULL,
    scored BOOLEAN NOT NULL  -- the row sent probabilities
);
-- One row per (prediction, class) of the probabilities sent; a class a row leaves out has probability 0.
CREATE TABLE prediction_probabilities (
    id VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    class VARCHAR NOT NULL,
    p DOUBLE NOT NULL
);
-- The true class of an outcome given as a name (an integer class stays in outcomes.label alone; for a
-- name that label is NULL, as for a regression value: migration 0016).
CREATE TABLE outcome_classes (
    id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL
);
-- Each multiclass model's classes in the order first seen (at most 100): predicted labels, probability
-- keys and true classes of outcomes whose prediction is stored.
CREATE TABLE model_classes (
    model VARCHAR NOT NULL,
    class VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (model, class)
);
-- Per minute: (true class, predicted class) counts; true_class NULL = not labelled yet, '__other__' = a
-- true class outside the model's classes (folded and counted); `scored` rows sent probabilities and
-- `log_loss_sum` adds -ln(p of the true class) over the labelled ones, p clipped to [eps, 1 - eps].
CREATE TABLE multiclass_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    true_class VARCHAR,
    predicted VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    scored BIGINT NOT NULL,
    log_loss_sum DOUBLE NOT NULL
);
-- Per minute, labelled rows with probabilities: class c's probability in the binary score bins, by
-- whether the true class is c (one-vs-rest), with each bin's smallest and largest probability.
CREATE TABLE class_score_profile (
    model VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    class VARCHAR NOT NULL,
    bin SMALLINT NOT NULL,
    positive BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    p_min DOUBLE NOT NULL,
    p_max DOUBLE NOT NULL
);
CREATE TABLE multiclass_profile_hour AS FROM multiclass_profile LIMIT 0;
CREATE TABLE multiclass_profile_day AS FROM multiclass_profile LIMIT 0;
CREATE TABLE class_score_profile_hour AS FROM class_score_profile LIMIT 0;
CREATE TABLE class_score_profile_day AS FROM class_score_profile LIMIT 0;
-- The evaluation job's multiclass answers beside their model_evaluations row (accuracy, macro precision,
-- recall and F1, macro one-vs-rest AUC and its bound): the other averages, figures per class, the confusion matrix.
CREATE TABLE multiclass_evaluations (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    scored BIGINT,
    other BIGINT,
    micro_precision DOUBLE,
    micro_recall DOUBLE,
    micro_f1 DOUBLE,
    weighted_precision DOUBLE,
    weighted_recall DOUBLE,
    weighted_f1 DOUBLE,
    log_loss DOUBLE
);
CREATE TABLE multiclass_class_evaluations (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    class VARCHAR NOT NULL,
    support BIGINT NOT NULL,
    predicted BIGINT NOT NULL,
    precision DOUBLE,
    recall DOUBLE,
    f1 DOUBLE,
    auc DOUBLE,
    auc_error_bound DOUBLE
);
CREATE TABLE multiclass_confusion (
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    true_class VARCHAR NOT NULL,
    predicted VARCHAR NOT NULL,
    n BIGINT NOT NULL
);
