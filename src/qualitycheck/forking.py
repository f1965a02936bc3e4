"""Share a list of work items between this process and forked workers.

`map_forked(function, items, jobs)` is `[function(item) for item in items]`
computed by this process and `jobs - 1` forked children. Every process
claims the next chunk of items until none is left (so a slow file does not
leave the others idle): the chunk numbers wait in a pipe filled before the
fork, and a read of one number is atomic. (Not a `multiprocessing.Value`:
importing and setting up multiprocessing takes about 35 ms, a tenth of the
start of a small run.) Each child sends its results in small pickled
batches through its own pipe, and this process takes what has arrived in
between its own items, so that unpickling them is shared work rather than
a wait at the end.

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
import struct
import sys
from typing import Any, Callable, Optional, Sequence

CHUNK = 4  # items claimed at a time: small enough that all processes finish together


def can_fork() -> bool:
    """Whether this process may fork: on a platform with fork, and single-threaded.

    A thread holding a lock (an import, logging, a plugin's HTTP client) at
    the moment of the fork leaves that lock held forever in the child, which
    then hangs; such runs do their work in this process instead.
    """
    threading = sys.modules.get("threading")  # never imported: no thread was started from Python
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


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
               receive: Optional[Callable[[Any], Any]] = None,
               first: Optional[Callable[[], None]] = None, chunk: int = CHUNK) -> list[Any]:
    """`[function(item) for item in items]`, in order, from this process and `jobs - 1` forked children.

    A child sends `prepare(result)` (default: the result) and this process
    stores `receive(sent)` (default: what was sent): e.g. a result pickled
    the way the caller caches it, and unpickled on arrival. Children send
    their results in batches as they go, and this process takes them in
    between its own items, so that receiving them is shared work, not a
    wait at the end. `progress(n)` is called in this process each time n
    more items are done, by any process. `first()` runs in this process
    once the children have started, before its own share (work that can
    overlap theirs); if it raises, the children are stopped. A child that
    fails raises `WorkerError` here, with the child's traceback. Items are
    claimed `chunk` at a time (at least; more when there are very many).
    """
    claims = _fill_claims(len(items), chunk)
    results: list[Any] = [_MISSING] * len(items)
    inbox = _Inbox(results, receive, progress)
    try:
        for _ in range(jobs - 1):
            read_end, write_end = os.pipe()
            _widen(write_end)
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                _child(function if prepare is None else _then(function, prepare), items, claims, write_end)
            os.close(write_end)
            inbox.add(read_end, pid)
        if first is not None:
            first()
        for position in _claimed(claims, len(items)):
            results[position] = function(items[position])
            if progress is not None:
                progress(1)
            inbox.take(timeout=0)
        while inbox.open:
            inbox.take(timeout=None)
    except BaseException:
        inbox.stop()
        raise
    finally:
        os.close(claims[0])
        inbox.close()
    if any(result is _MISSING for result in results):
        raise WorkerError("a worker process ended without sending all its results")
    return results


_MISSING = object()


def _then(function: Callable[[Any], Any], prepare: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda item: prepare(function(item))


class WorkerError(RuntimeError):
    """A forked worker failed outside the per-file error handling (a bug, or a result that cannot be pickled)."""


_CLAIM = struct.Struct("<I")  # a chunk number in the claims pipe


def _fill_claims(total: int, chunk: int) -> tuple[int, int]:
    """(read end of a pipe holding every chunk number, chunk size), the write end closed.

    All numbers are written before any process reads, so they must fit in
    the pipe's buffer: with many items the chunks grow (on Linux the pipe is
    widened to 1 MB, room for 262,144 chunks).
    """
    read_end, write_end = os.pipe()
    capacity = _widen(write_end)
    size = max(chunk, -(-total // (capacity // _CLAIM.size)))
    numbers = b"".join(map(_CLAIM.pack, range(-(-total // size))))
    view = memoryview(numbers)
    while view:
        view = view[os.write(write_end, view):]
    os.close(write_end)
    return read_end, size


def _claimed(claims: tuple[int, int], total: int):
    """Positions of items for this process, a chunk at a time, until all are claimed."""
    read_end, size = claims
    while True:
        number = os.read(read_end, _CLAIM.size)  # one whole number or nothing: the pipe holds no partial ones
        if not number:
            return
        start = _CLAIM.unpack(number)[0] * size
        yield from range(start, min(start + size, total))


_FRAME = struct.Struct("<Q")  # the length of the pickled batch that follows
BATCH = 8  # results a child sends at a time
_PIPE_SIZE = 1 << 20  # a batch of articles' results is ~50 KB: a child should not wait for this process to read


_SMALLEST_PIPE = 4096  # what POSIX promises (PIPE_BUF); macOS pipes hold 16 KB or more


def _widen(fd: int) -> int:
    """Make a pipe's buffer large (Linux), so that a child rarely blocks on a batch this process has not read;
    the buffer's size in bytes, as far as it is known."""
    try:
        import fcntl

        return fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    except (ImportError, AttributeError, OSError):
        return _SMALLEST_PIPE  # another system, or a lower limit: batches still arrive, a child may wait a little


def _child(function, items, claims: tuple[int, int], write_end: int) -> None:
    """Work until nothing is left, sending (True, [(position, result), ...]) batches, or (False, traceback), and exit."""
    import gc

    gc.freeze()  # the inherited objects stay out of collections: fewer pages copied, less to scan
    status = 0
    try:
        batch = []
        for position in _claimed(claims, len(items)):
            batch.append((position, function(items[position])))
            if len(batch) == BATCH:
                _send(write_end, (True, batch))
                batch = []
        if batch:
            _send(write_end, (True, batch))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
        import traceback

        status = 1
        _send(write_end, (False, traceback.format_exc()))
    finally:
        os._exit(status)  # no atexit handlers, no flushing of buffers inherited from the parent


def _send(fd: int, message: tuple) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_FRAME.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view):]


class _Inbox:
    """The children's pipes: reads what has arrived, unpacks whole batches into `results`."""

    def __init__(self, results: list, receive: Optional[Callable[[Any], Any]], progress) -> None:
        self.results = results
        self.receive = receive
        self.progress = progress
        self.pids: dict[int, int] = {}  # read end -> pid
        self.buffers: dict[int, bytearray] = {}
        self.open: list[int] = []

    def add(self, read_end: int, pid: int) -> None:
        self.pids[read_end] = pid
        self.buffers[read_end] = bytearray()
        self.open.append(read_end)

    def take(self, timeout: Optional[float]) -> None:
        """Read what the children have written (waiting up to `timeout`; None: until something comes)."""
        if not self.open:
            return
        ready, _, _ = select.select(self.open, [], [], timeout)
        for fd in ready:
            data = os.read(fd, _PIPE_SIZE)
            if not data:
                self.open.remove(fd)
                if self.buffers[fd]:
                    raise WorkerError(f"a worker process (pid {self.pids[fd]}) ended in the middle of its results")
                continue
            buffer = self.buffers[fd]
            buffer += data
            self._unpack(fd, buffer)

    def _unpack(self, fd: int, buffer: bytearray) -> None:
        while len(buffer) >= _FRAME.size:
            (size,) = _FRAME.unpack_from(buffer)
            if len(buffer) < _FRAME.size + size:
                return
            ok, value = pickle.loads(memoryview(buffer)[_FRAME.size:_FRAME.size + size])
            del buffer[:_FRAME.size + size]
            if not ok:
                raise WorkerError(f"a worker process failed:\n{value}")
            receive, results = self.receive, self.results
            for position, sent in value:
                results[position] = sent if receive is None else receive(sent)
            if self.progress is not None:
                self.progress(len(value))

    def stop(self) -> None:
        import signal

        for pid in self.pids.values():
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def close(self) -> None:
        """Wait for every child, close the pipes; a child that died before sending everything is an error."""
        failed = []
        for fd, pid in self.pids.items():
            _, status = os.waitpid(pid, 0)
            os.close(fd)
            if os.waitstatus_to_exitcode(status) != 0:
                failed.append(pid)
        self.pids.clear()
        if failed and not _raising():
            raise WorkerError(f"a worker process (pid {failed[0]}) ended without sending its results")


def _raising() -> bool:
    """Whether an exception is on its way out (then a dead worker is not the news)."""
    return sys.exc_info()[0] is not None
