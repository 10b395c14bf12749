"""Timed runs of the planner by scenario size (`python -m benchmarks.run`)."""
