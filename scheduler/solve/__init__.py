"""Solving the built model: the tiers, the backends, whole schedules, the LP."""
