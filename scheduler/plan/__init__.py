"""Planning: hires, scenarios and the runner that solves them in parallel."""
