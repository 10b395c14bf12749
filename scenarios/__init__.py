"""Scenario files: the schema, loading with every problem reported, examples, a generator."""
