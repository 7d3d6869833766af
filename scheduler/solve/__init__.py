"""The CP-SAT solver. The only package that imports OR-Tools."""

from scheduler.solve.engine import build_model, solve

__all__ = ["build_model", "solve"]
