"""From a solution to a Plan: rows with reasons, and the causes of every unmet need."""
