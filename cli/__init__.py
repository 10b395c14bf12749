"""The `carehome` command line: thin wrappers over `scheduler` and `scenarios`."""
