"""The pattern path for tier 1: each worker takes one whole schedule at one home.

`blocks` splits the built model into worker blocks and the rest, `pricing` finds each
block's most valuable schedules by dynamic programming, `master` grows the LP over
schedules by column generation and proves a bound, `integer` picks the plan over the
generated schedules, and `path` runs the four within a time budget.
"""
