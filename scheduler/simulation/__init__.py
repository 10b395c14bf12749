"""Policy simulation (`carehome simulate`): weeks of outbreaks played forward, a policy
re-planning inside them, to compare what policies do to infections, deaths, uncovered
shifts and waiting residents. `epidemic` is the per-home S-E-I-R, `world` the city and what
the planner sees of it, `policies` the planners compared, `run` one seeded run, `study`
many runs in parallel and their comparison."""
