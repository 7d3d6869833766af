"""Where a command may write: one guard for every `--out`, run before anything is read
or computed, so a bad path costs nothing and destroys nothing.

A file output is refused (`OutputPathError`, exit 2) when it is a folder, not a regular
file (a FIFO, a device, a socket), under `/proc`, `/sys` or `/dev`, under a file (a
parent that is not a folder), inside a folder this process cannot write, a file that
is read-only (no write permission for anyone, or none for this process: a file made
read-only to keep it is never replaced), or the same file as any input of the
command: compared after resolving links and by device and inode (a hard link is the
same file), with every CSV file of an input folder counted as an input. A workbook
output (`suffix=".xlsx"`) must be named so: `roster.csv` would be a workbook no
program, this one included, opens as what its name says. Missing folders on the way
are made (like `mkdir -p`) when the nearest existing one is a folder that can be
written: `--out outputs/week12/roster.xlsx` works on a fresh checkout.

A folder output is refused when it is a file or lies under one, when it is one of the
inputs' folders' files, or when one of the names the command will write in it is taken
by something that is not a regular file.

A symbolic link given as `--out` is written through: the file it points to is replaced
(atomically, as every output is), the link itself stays, and the command names the
target it wrote. The checks above apply to the target.

Writing itself may still fail midway (a full disk, a share gone away): `cannot_write`
turns the `OSError` into `CannotWriteError` (exit 4) with what failed; the atomic
writers (`write_workbook.replace_atomically`) have by then left the previous file as it
was.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from scheduler.errors import EXIT_BAD_INPUT, EXIT_CANNOT_WRITE, SchedulerError

#: Kernel file systems: a "file" there is an interface, never an output.
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))
CSV_SUFFIX = ".csv"
WORKBOOK_SUFFIX = ".xlsx"
#: Write permission for owner, group or others: a file with none is read-only.
WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH

Params = ParamSpec("Params")
Returned = TypeVar("Returned")


class OutputPathError(SchedulerError):
    """An output path that cannot be used, named with its option."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, option: str, path: Path, reason: str) -> None:
        self.option, self.path, self.reason = option, path, reason
        super().__init__(f"{option} {path}: {reason}")


class CannotWriteError(SchedulerError):
    """Writing an output failed midway; the previous file is unchanged."""

    exit_code = EXIT_CANNOT_WRITE

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        why = error.strerror or str(error)
        if error.errno == errno.ENOSPC:
            why = "the disk is full"
        super().__init__(
            f"Cannot write {path}: {why}. Nothing was replaced: the previous file, if any, "
            "is as it was."
        )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _is_under(path: Path, folders: Iterable[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def input_files(inputs: Iterable[Path | None]) -> list[Path]:
    """The files the command reads: each input file, and every CSV file of an input folder."""
    files: list[Path] = []
    for given in inputs:
        if given is None:
            continue
        try:
            folder = given.is_dir()
        except OSError:  # a name too long to look up: the reader says so, of the input
            folder = False
        if folder:
            try:
                files += [p for p in given.iterdir() if p.suffix.lower() == CSV_SUFFIX]
            except OSError:
                continue  # the reader reports an unreadable folder itself
        else:
            files.append(given)
    return files


def _same_file(first: Path, second: Path) -> bool:
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _check_parent(option: str, path: Path, target: Path) -> None:
    """The folder that will hold `target` is a folder, or can be made (`mkdir -p`) in
    the nearest one that exists, and can be written."""
    parent = target.parent
    existing = parent
    while not existing.exists():
        if existing.is_symlink():
            raise OutputPathError(option, path, f"{existing} is a broken link")
        existing = existing.parent
    if not existing.is_dir():
        raise OutputPathError(
            option, path, f"{existing} is a file, not a folder; give a path in a folder"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputPathError(option, path, f"the folder {existing} cannot be written")


def guard_output_file(
    option: str,
    path: Path,
    inputs: Iterable[Path | None] = (),
    *,
    what: str = "a file name, e.g. roster.xlsx",
    suffix: str | None = None,
) -> Path:
    """Refuse a file output that cannot or must not be written; return the path to write
    (the target of a symbolic link). With `suffix` (`.xlsx`), a name that does not end
    in it is refused too: a workbook named `roster.csv` is a file no program opens as
    what its name says (and the readers refuse it)."""
    with _unusable_path(option, path):
        return _guard_output_file(option, path, inputs, what, suffix)


def _guard_output_file(
    option: str, path: Path, inputs: Iterable[Path | None], what: str, suffix: str | None
) -> Path:
    target = path.resolve()
    if _is_under(target, SYSTEM_FOLDERS):
        raise OutputPathError(option, path, "is a system path; give a file in a folder of yours")
    if target.exists():
        mode = target.stat().st_mode
        if stat.S_ISDIR(mode):
            raise OutputPathError(option, path, f"is a folder; give {what}")
        if not stat.S_ISREG(mode):
            raise OutputPathError(option, path, f"is {_kind(mode)}; give {what}")
        if not os.access(target, os.W_OK) and not os.access(target.parent, os.W_OK):
            raise OutputPathError(option, path, "cannot be written")
        # A file made read-only was made so to keep it: the rename that replaces it
        # needs only the folder's permission (and root needs none), so it is refused.
        if not os.access(target, os.W_OK) or not mode & WRITE_BITS:
            raise OutputPathError(
                option, path, "is read-only; make it writable or give another file"
            )
    for source in input_files(inputs):
        if _same_file(target, source):
            raise OutputPathError(
                option,
                path,
                f"would overwrite an input of this command ({source}); give another file",
            )
    _check_parent(option, path, target)
    if suffix is not None and path.suffix.lower() != suffix:
        raise OutputPathError(
            option, path, f"does not end in {suffix}: the file written is a workbook; give {what}"
        )
    return target


def guard_output_folder(
    option: str,
    path: Path,
    inputs: Iterable[Path | None] = (),
    *,
    names: Iterable[str] = (),
    suffixes: Iterable[str] = (),
    replaced_whole: bool = False,
) -> Path:
    """Refuse a folder output that is a file or cannot be made; refuse when a name the
    command writes there (`names`, or any name ending in one of `suffixes`) is an input
    or is taken by something that is not a regular file, or (`replaced_whole`: the
    command replaces the folder as a whole) when any input lies inside it. Return the
    folder's real path."""
    with _unusable_path(option, path):
        return _guard_output_folder(option, path, inputs, names, suffixes, replaced_whole)


def _guard_output_folder(
    option: str,
    path: Path,
    inputs: Iterable[Path | None],
    names: Iterable[str],
    suffixes: Iterable[str],
    replaced_whole: bool,
) -> Path:
    target = path.resolve()
    if _is_under(target, SYSTEM_FOLDERS):
        raise OutputPathError(option, path, "is a system path; give a folder of yours")
    if target.exists() and not target.is_dir():
        raise OutputPathError(option, path, "is a file; give a folder")
    written = set(names)
    endings = tuple(s.lower() for s in suffixes)
    sources = input_files(inputs)
    for source in sources:
        inside = source.resolve().parent == target
        named = source.name in written or source.name.lower().endswith(endings)
        if (inside and named) or (replaced_whole and _is_under(source.resolve(), [target])):
            raise OutputPathError(
                option,
                path,
                f"would overwrite {source.name}, an input of this command; give another folder",
            )
        if source.resolve() == target:
            raise OutputPathError(option, path, "would overwrite an input of this command")
    if target.is_dir():
        for name in written:
            taken = target / name
            if taken.exists() and not taken.is_file():
                raise OutputPathError(
                    option, path, f"{name} there is not a regular file (a folder?); move it away"
                )
    if target.is_dir():
        if not os.access(target, os.W_OK | os.X_OK):
            raise OutputPathError(option, path, "cannot be written")
    else:
        _check_parent(option, path, target)
    return target


@contextmanager
def _unusable_path(option: str, path: Path) -> Iterator[None]:
    """A path the system will not even look up (a name over 255 bytes, a path over
    4,096, a loop of links) is refused as any other, not a traceback."""
    try:
        yield
    except OSError as error:
        why = error.strerror or str(error)
        if error.errno == errno.ENAMETOOLONG:
            why = (
                "the name is too long for the file system (at most 255 bytes for one "
                "name, 4,096 for the whole path); give a shorter one"
            )
        raise OutputPathError(option, path, f"cannot be used: {why}") from None


def exits_on_output_errors(command: Callable[Params, Returned]) -> Callable[Params, Returned]:
    """A command decorator: a refused output path (exit 2) or a failed write (exit 4)
    is printed as one message on stderr, never as a traceback."""

    @functools.wraps(command)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        try:
            return command(*args, **kwargs)
        except (OutputPathError, CannotWriteError) as error:
            print(error, file=sys.stderr)
            raise SystemExit(error.exit_code) from None

    return run


@contextmanager
def cannot_write(path: Path) -> Iterator[None]:
    """Turn an `OSError` while writing `path` into `CannotWriteError` (exit 4)."""
    try:
        yield
    except OSError as error:
        raise CannotWriteError(path, error) from error


@contextmanager
def folders_made_undone(folder: Path) -> Iterator[None]:
    """The folders on the way to `folder` that do not exist yet (and that the block may
    make, `mkdir -p`) are taken away again when the block fails: a failed write leaves
    no empty folder behind. Only empty ones: never anything but what the block made."""
    made = [path for path in (folder, *folder.parents) if not path.exists()]
    try:
        yield
    except BaseException:
        for path in made:  # deepest first
            try:
                path.rmdir()
            except OSError:
                break
        raise


#: What `solve` and `repair` write beside the roster path when they find no roster.
INFEASIBLE_SUFFIX = ".infeasible.xlsx"


def infeasible_path(roster: Path) -> Path:
    """`roster.xlsx` -> `roster.infeasible.xlsx`: an explanation never replaces a roster."""
    return roster.with_name(f"{roster.stem}{INFEASIBLE_SUFFIX}")


def guard_roster_output(option: str, path: Path, inputs: Iterable[Path | None]) -> Path:
    """A roster output and the explanation file beside it, both checked."""
    given = list(inputs)
    target = guard_output_file(option, path, given, suffix=WORKBOOK_SUFFIX)
    guard_output_file(option, infeasible_path(path), given, suffix=WORKBOOK_SUFFIX)
    return target
