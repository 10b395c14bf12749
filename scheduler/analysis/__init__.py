"""Questions asked of plans: explain, marginal value, what-if comparison, tracing."""
