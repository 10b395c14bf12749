"""From a scenario to a plan: building, starting, solving, re-planning, splitting by authority."""
