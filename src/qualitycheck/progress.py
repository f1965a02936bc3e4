"""A progress bar on standard error for long runs at a terminal.

The runner never prints: it calls `files_found(total)` once and `progress(n)`
as files are done, and the CLI hands it a `ProgressBar`. The bar appears only
when the run has taken longer than DELAY seconds, standard error is a
terminal, and no CI variable is set, so pre-commit runs, CI logs and piped
output stay clean. tqdm draws it (rate, ETA, terminal width); it is imported
only when a bar is actually shown: about 15 ms on top of a run that has
already taken a second, and nothing for every other run.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Optional, TextIO

DELAY = 1.0  # seconds a run must have taken before a bar appears


def in_ci(environ: Optional[dict[str, str]] = None) -> bool:
    """True when a CI variable is set (GitHub Actions, GitLab CI and most others set CI=true)."""
    value = (environ if environ is not None else os.environ).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def wants_progress(stream: TextIO, environ: Optional[dict[str, str]] = None) -> bool:
    """A bar is drawn only on a terminal, outside CI, and not on a dumb terminal."""
    environ = environ if environ is not None else dict(os.environ)
    if in_ci(environ) or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


class ProgressBar:
    """Counts files as the runner reports them; draws a bar once the run has taken DELAY seconds."""

    def __init__(self, stream: TextIO, delay: float = DELAY, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.total: Optional[int] = None
        self.done = 0
        self._bar: Any = None

    def files_found(self, total: int) -> None:
        self.total = total

    def __call__(self, count: int) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
        elif self.clock() - self.started >= self.delay:
            self._bar = self._open_bar()

    def _open_bar(self) -> Any:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: a process with threads does not fork (forking.can_fork)
        # A terminal that reports no size (a fresh pseudo-terminal) would hide the bar: assume 80x24.
        sized = _terminal_columns(self.stream) > 0
        size = {"dynamic_ncols": True} if sized else {"ncols": 80, "nrows": 24}
        return tqdm(total=self.total, initial=self.done, desc="Checking", unit="file", file=self.stream,
                    leave=False, mininterval=0.1, **size)

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def close(self) -> None:
        """Erase the bar (before the report is printed)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
