"""Solves the model the rule families build, in objective tiers; extracts and checks a plan."""
