"""Write files atomically: readers see the old content or the new, never a torn file."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, text: str, encoding: str = "utf-8", durable: bool = True) -> None:
    """Write `text` to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    `durable=False` skips the flush to disk (fsync): for caches, where a file lost in a crash is only
    work to redo, and a reader still never sees a torn file.
    """
    import tempfile  # not at import time: most runs write no file

    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
