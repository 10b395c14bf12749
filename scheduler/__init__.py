"""Builds the model from a scenario, solves it in objective tiers, extracts and checks a plan."""
