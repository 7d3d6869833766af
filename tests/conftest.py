"""Hypothesis budgets for the whole suite, as named profiles.

The environment variable HYPOTHESIS_PROFILE picks one:
- `default` (when unset): the budgets of every ordinary run, a few seconds per test.
  A test sets its budget as a multiple of the profile's `max_examples` (15 here),
  e.g. `@settings(max_examples=10 * settings().max_examples)` for a cheap checker
  test, so that the profile scales it.
- `thorough`: 10x the examples and no deadline, for a long run before a release:
  `HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest -q`.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", max_examples=15, deadline=None)
settings.register_profile("thorough", max_examples=150, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
