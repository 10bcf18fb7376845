"""The progress bar of the long-running commands (spec/cli.md): rich on a terminal,
silent when output is not a terminal."""

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

# update(stage, done, total): one bar per stage, created on first use.
Update = Callable[[str, int, int], None]


@contextlib.contextmanager
def progress_bar(enabled: bool, *, stream: TextIO | None = None) -> Iterator[Update | None]:
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream or sys.stdout)) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
