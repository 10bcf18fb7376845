"""A rich progress bar on a terminal, silence otherwise (spec/cli.md)."""

import contextlib
from collections.abc import Callable, Iterator

Update = Callable[[str, int, int], None]


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Update | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
