"""The hand rules: the greedy deployment, the baseline plan, the test-slot booking they share."""
