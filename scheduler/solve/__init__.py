"""The CP-SAT solver. The only package that imports OR-Tools."""
