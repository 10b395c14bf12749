"""One module per rule family; each adds its variables, rules and penalties to a model."""
