"""The pattern path for tier 1: each worker takes one whole schedule at one home.

`blocks` splits the built model into worker blocks and the rest, `pricing` finds each
block's most valuable schedules by dynamic programming, `master` grows the LP over
schedules by column generation, proves a bound and dives to a whole deployment, and
`path` runs them within a time budget.
"""
