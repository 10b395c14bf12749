"""The solver-neutral model and the rule families writing into it, one module each; no solver.

Below the scheduler, which compiles and solves the model: nothing here imports it.
"""
