"""A value read from a file, and what its reader noticed without refusing it.

Readers (`scheduler.io.read_workbook`) return their warnings beside the value, never
inside it: a `Problem` or `Roster` is the data alone, and whoever shows the warnings
(the command line on stderr, the writers in the Summary sheet) is handed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Value = TypeVar("Value")


@dataclass(frozen=True)
class Loaded(Generic[Value]):
    """A value read from a file and the reader's warnings about it."""

    value: Value
    warnings: tuple[str, ...] = ()
