"""A seeded, made-up call log for the sample program (no real call data ships).

    python -m scheduler.demand.sample_calls   # writes inputs/hartford/calls/calls.csv

Shapes from domain.md "Demand": about 10 adult calls a day on weekdays and 15%
fewer at weekends, spread over the day by the adult hourly shares; about 1
juvenile call a day, after school, half as many at weekends. Each call's zone is
drawn by ZONE_SHARES, then a neighborhood of that zone uniformly (the log names
neighborhoods, as a dispatch export does); ages are drawn so that juvenile
calls are under 18. Busy minutes are lognormal with mean 75.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

from scheduler.io.write_workbook import write_csv_atomically
from scheduler.model.problem import Problem

SEED = 6  # issue 6
FIRST_DAY = dt.date(2026, 1, 5)  # a Monday, 8 weeks before the sample's 2026-03-02
WEEKS = 8
ADULT_CALLS_PER_WEEKDAY = 10.0
JUVENILE_CALLS_PER_WEEKDAY = 1.0
ADULT_WEEKEND_FACTOR = 0.85  # domain.md: weekends about 15% below weekdays
JUVENILE_WEEKEND_FACTOR = 0.5  # domain.md: juvenile calls fall at weekends (invented size)
MEAN_BUSY_MINUTES = 75.0
BUSY_SIGMA = 0.4  # spread of log(busy minutes); invented
#: Share of the calls per zone of the sample (North has the most need; invented).
ZONE_SHARES = {"North": 0.4, "Central": 0.35, "South": 0.25}
#: (first hour, end hour, share of a day's calls): domain.md's weekday adult shape.
ADULT_HOURLY_SHARES = (
    (0, 7, 0.075),
    (7, 10, 0.125),
    (10, 13, 0.22),
    (13, 16, 0.24),
    (16, 19, 0.20),
    (19, 22, 0.105),
    (22, 24, 0.035),
)
#: Juvenile calls come after school (domain.md); the exact shares are invented.
JUVENILE_HOURLY_SHARES = (
    (0, 8, 0.02),
    (8, 12, 0.08),
    (12, 15, 0.20),
    (15, 19, 0.50),
    (19, 22, 0.17),
    (22, 24, 0.03),
)
CALL_COLUMNS = ("received_at", "neighborhood", "age", "busy_minutes")
DEFAULT_OUT = Path("inputs/hartford/calls/calls.csv")
SAMPLE_PROGRAM = Path("inputs/hartford")


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the small daily means here."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _moment(
    rng: random.Random, day: dt.date, shares: tuple[tuple[int, int, float], ...]
) -> dt.datetime:
    first, end, _ = rng.choices(shares, weights=[share for *_, share in shares])[0]
    minute = rng.randrange(first * 60, end * 60)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60))


def sample_calls(problem: Problem, seed: int = SEED, weeks: int = WEEKS) -> list[list[str]]:
    """Rows of the sample call log, in time order (the header not included)."""
    rng = random.Random(seed)
    zones = [zone for zone in problem.zones if zone.zone_id in ZONE_SHARES]
    weights = [ZONE_SHARES[zone.zone_id] for zone in zones]
    mu = math.log(MEAN_BUSY_MINUTES) - BUSY_SIGMA**2 / 2  # so that the mean is 75
    calls: list[tuple[dt.datetime, str, int, int]] = []
    for offset in range(weeks * 7):
        day = FIRST_DAY + dt.timedelta(days=offset)
        weekend = day.weekday() >= 5
        for mean, shares, ages in (
            (
                ADULT_CALLS_PER_WEEKDAY * (ADULT_WEEKEND_FACTOR if weekend else 1.0),
                ADULT_HOURLY_SHARES,
                (18, 80),
            ),
            (
                JUVENILE_CALLS_PER_WEEKDAY * (JUVENILE_WEEKEND_FACTOR if weekend else 1.0),
                JUVENILE_HOURLY_SHARES,
                (8, 17),
            ),
        ):
            for _ in range(_poisson(rng, mean)):
                zone = rng.choices(zones, weights=weights)[0]
                neighborhood = rng.choice(zone.neighborhoods)
                busy = round(rng.lognormvariate(mu, BUSY_SIGMA))
                calls.append(
                    (_moment(rng, day, shares), neighborhood, rng.randint(*ages), max(1, busy))
                )
    calls.sort()
    return [
        [f"{moment:%Y-%m-%dT%H:%M}", neighborhood, str(age), str(busy)]
        for moment, neighborhood, age, busy in calls
    ]


def write_calls_csv(rows: list[list[str]], path: Path) -> None:
    write_csv_atomically(path, CALL_COLUMNS, rows)


def main() -> None:
    from scheduler.io.read_workbook import read_problem

    write_calls_csv(sample_calls(read_problem(SAMPLE_PROGRAM)), DEFAULT_OUT)
    print(f"Sample call log written to {DEFAULT_OUT}")


if __name__ == "__main__":
    main()
