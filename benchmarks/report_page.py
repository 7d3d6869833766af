"""What the benchmark scripts share: the machine they ran on, and replacing their own
marked section of docs/benchmarks.md (run as `python benchmarks/NAME.py`, so this
folder is on the import path)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> str:
    """The CPU model, core count and Python version, for the results' first line."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def replace_section(page: Path, start: str, end: str, text: str, heading: str = "") -> None:
    """Put `text` (which holds the `start` and `end` marks) where the page's marked
    section is, or append it, under `heading` when given, if the page has none."""
    content = page.read_text(encoding="utf-8") if page.exists() else "# Benchmarks\n"
    if start in content and end in content:
        before = content[: content.index(start)]
        after = content[content.index(end) + len(end) :]
        content = before + text + after
    else:
        content = content.rstrip("\n") + "\n\n" + heading + text + "\n"
    page.write_text(content, encoding="utf-8")
