"""Running a CP-SAT search so that a `StopToken` (Ctrl-C, SIGTERM, a Stop button) can stop it.

The search runs on its own thread so that the main thread, waiting for it, runs
Python's signal handlers at once (a signal arriving while the main thread is inside
the solver's C++ code would wait for the search to end): the first signal sets the
token, the wait below sees it within 0.2 s and calls `stop_search`, and the
solver returns its best solution so far, as when its time limit is hit; a second
signal quits at once.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext

from ortools.sat.python import cp_model

from scheduler.model.stop import StopToken


def search_stoppably(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    *,
    stop: StopToken,
    start_if_stopped: bool = False,
    stops: bool = True,
) -> cp_model.CpSolverStatus | None:
    """`solver.solve`, on a thread the main thread waits for.

    Once `stop` is requested no new search starts (None, the solver unused), unless
    `start_if_stopped` (a short search whose result is still needed, e.g. pairing the
    roster found). With `stops`, a stop requested while it runs ends it early (only a
    new one, when it started after a stop); without, it runs to its own limit.
    """
    stopped_before = stop.requested
    if stopped_before and not start_if_stopped:
        return None
    outcome: list[cp_model.CpSolverStatus] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(solver.solve(model, callback))
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    def stop_now() -> bool:
        return stops and not stopped_before and stop.requested

    registered = stop.stoppable(solver.stop_search) if stops and not stopped_before else None
    thread = threading.Thread(target=run, name="cp-sat", daemon=True)
    with registered if registered is not None else nullcontext():
        thread.start()
        try:
            while thread.is_alive():
                thread.join(0.2)
                if stop_now():
                    solver.stop_search()
        except BaseException:
            # KeyboardInterrupt or a second signal's SystemExit: do not leave the
            # search running behind the caller's back.
            solver.stop_search()
            thread.join()
            raise
    if failure:
        raise failure[0]
    return outcome[0]
