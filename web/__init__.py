"""`carehome serve`: the planner as a web app for a planning team.

Layered between the command line and the scheduler (`cli` -> `web` -> `scheduler`): the
app stores scenarios, runs and an audit trail in a database, runs plans in worker
processes through `scheduler.pipeline.planner.plan_scenario`, and shows the plan folders
those runs write with the scheduler's own readers and writers; it holds no planning rule
of its own. `create_app` in `web.app` builds it.
"""
