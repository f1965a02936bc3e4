"""Share a list of work items between this process and forked workers.

`map_forked(function, items, jobs)` is `[function(item) for item in items]`
computed by this process and `jobs - 1` forked children. Every process
claims the next chunk of items from a shared counter until none is left (so
a slow file does not leave the others idle), keeps its results, and each
child sends all of its results back at the end, pickled in one piece
through its own pipe.

Why not `multiprocessing.Pool`: its per-chunk messages go through three
helper threads in this process (tasks, results, workers) that compete for
the GIL and the cores with the workers, and this process itself only
waits. On the 2,000-article benchmark with 2 cores that cost about 0.3 s of
this process's CPU during the run; here this process does a worker's share
instead.

The functions and items are inherited through the fork, never pickled;
only results cross a pipe. Fork only from a single-threaded process (see
`can_fork`). `start_in_child` runs one function beside this process (the
findings cache writes its entries that way while the corpus rules run).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
from typing import Any, Callable, Optional, Sequence

CHUNK = 4  # items claimed at a time: small enough that all processes finish together


def can_fork() -> bool:
    """Whether this process may fork: on a platform with fork, and single-threaded.

    A thread holding a lock (an import, logging, a plugin's HTTP client) at
    the moment of the fork leaves that lock held forever in the child, which
    then hangs; such runs do their work in this process instead.
    """
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def start_in_child(function: Callable[[], Any]) -> Optional[int]:
    """Run `function()` in a forked child (exit status 0 when it returns) and return the child's pid,
    or None when this process may not fork (see `can_fork`): then the caller does the work itself."""
    if not can_fork():
        return None
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        function()
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of buffers inherited from the parent


def wait_for(pid: int) -> bool:
    """Wait for a child of `start_in_child`; whether it succeeded."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def map_forked(function: Callable[[Any], Any], items: Sequence[Any], jobs: int,
               progress: Optional[Callable[[int], None]] = None,
               prepare: Optional[Callable[[Any], Any]] = None,
               first: Optional[Callable[[], None]] = None) -> list[Any]:
    """`[function(item) for item in items]`, in order, from this process and `jobs - 1` forked children.

    `progress(n)` is called in this process each time n more items are done,
    by any process. `prepare(result)`, when given, is what a child sends
    instead of a result (e.g. the result already pickled the way the caller
    stores it), so the list mixes results of this process and prepared
    results of children. `first()` runs in this process once the children
    have started, before its own share (work that can overlap theirs); if
    it raises, the children are stopped. A child that fails raises
    `WorkerError` here, with the child's traceback.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    claimed = context.Value("l", 0)  # the next unclaimed item; its lock serializes claims
    finished = context.Value("l", 0, lock=False)  # items done by children (written under `claimed`'s lock)
    children: dict[int, int] = {}  # read end of its pipe -> pid
    results: list[Any] = [None] * len(items)
    try:
        for _ in range(jobs - 1):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                _child(function if prepare is None else _then(function, prepare), items, claimed, finished,
                       write_end)
            os.close(write_end)
            children[read_end] = pid
        if first is not None:
            first()
        reported = 0  # children's items already passed to `progress`
        for position in _claims(claimed, len(items)):
            results[position] = function(items[position])
            if progress is not None:
                by_children = finished.value
                progress(1 + by_children - reported)
                reported = by_children
        payloads = _read_all(children, progress, finished, reported)
    except BaseException:
        for pid in children.values():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        raise
    finally:
        for read_end, pid in children.items():
            os.waitpid(pid, 0)
            os.close(read_end)
    for data in payloads:
        ok, value = pickle.loads(data)
        if not ok:
            raise WorkerError(f"a worker process failed:\n{value}")
        for position, result in value:
            results[position] = result
    return results


def _then(function: Callable[[Any], Any], prepare: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda item: prepare(function(item))


class WorkerError(RuntimeError):
    """A forked worker failed outside the per-file error handling (a bug, or a result that cannot be pickled)."""


def _claims(claimed, total: int):
    """Positions of items for this process, a chunk at a time, until all are claimed."""
    while True:
        with claimed.get_lock():
            start = claimed.value
            if start >= total:
                return
            claimed.value = start + CHUNK
        yield from range(start, min(start + CHUNK, total))


def _child(function, items, claimed, finished, write_end: int) -> None:
    """Work until nothing is left, send (True, [(position, result)]) or (False, traceback), and exit."""
    import gc

    gc.freeze()  # the inherited objects stay out of collections: fewer pages copied, less to scan
    status = 0
    try:
        done = []
        for position in _claims(claimed, len(items)):
            done.append((position, function(items[position])))
            with claimed.get_lock():
                finished.value += 1
        payload = pickle.dumps((True, done), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        import traceback

        payload = pickle.dumps((False, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
        status = 1
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view):]
    finally:
        os._exit(status)  # no atexit handlers, no flushing of buffers inherited from the parent


def _read_all(children: dict[int, int], progress, finished, reported: int) -> list[bytes]:
    """Everything the children write, read as it comes (a child blocks on a full pipe otherwise)."""
    chunks: dict[int, list[bytes]] = {fd: [] for fd in children}
    open_ends = list(children)
    while open_ends:
        ready, _, _ = select.select(open_ends, [], [], 0.1)
        for fd in ready:
            data = os.read(fd, 1 << 20)
            if data:
                chunks[fd].append(data)
            else:
                open_ends.remove(fd)
        if progress is not None and finished.value > reported:
            progress(finished.value - reported)
            reported = finished.value
    payloads = []
    for fd, pieces in chunks.items():
        if not pieces:
            raise WorkerError(f"a worker process (pid {children[fd]}) ended without sending its results")
        payloads.append(b"".join(pieces))
    return payloads
