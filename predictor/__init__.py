"""The built-in prediction service: a synthetic credit-default scenario, its models, and the
instrumented predict path every prediction (built-in or ingested) is counted through."""
