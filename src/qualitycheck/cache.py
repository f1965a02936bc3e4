"""The findings cache: an unchanged article is not checked again.

Each entry is the whole `FileResult` of one file (findings, errors and what
corpus rules collected), keyed by the file's content hash, how it was shown
(path, target or context) and a digest of everything else that decides the
result (tool version, rules and their options, loader options, `--as-of`).
So findings come back exactly as before, not only "this file was clean".

Entries live in one SQLite file. Anything unreadable — a corrupt database,
an entry that does not unpickle or is not a FileResult — is ignored and
rewritten, never trusted.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from pathlib import Path
from typing import Iterable, Optional

SCHEMA_VERSION = 3  # bumped when FileResult/Finding gain fields (2: refs, record_line; 3: suppressions)
DEFAULT_CACHE_DIR = Path(".qualitycheck") / "cache"


def content_key(data: bytes, shown: str, is_target: bool, plan_digest: str) -> str:
    """The cache key of a file's result."""
    digest = hashlib.blake2b(data, digest_size=20)
    digest.update(b"\0" + shown.encode("utf-8") + (b"\0T" if is_target else b"\0C") + plan_digest.encode("ascii"))
    return digest.hexdigest()


class FindingsCache:
    """Get and put FileResults by key; writes are batched into one transaction."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / f"findings-v{SCHEMA_VERSION}.sqlite"
        self._pending: list[tuple[str, str, bytes]] = []
        self._db = self._open()

    def _open(self) -> Optional[sqlite3.Connection]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Written by qualitycheck: the findings cache is not for version control.\n*\n")
            db = sqlite3.connect(self.path)
            db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, path TEXT NOT NULL, value BLOB)")
            db.execute("CREATE INDEX IF NOT EXISTS results_path ON results (path)")
            return db
        except sqlite3.DatabaseError:
            return self._recreate()
        except OSError:
            return None  # a read-only checkout: run without a cache

    def _recreate(self) -> Optional[sqlite3.Connection]:
        try:
            self.path.unlink(missing_ok=True)
            db = sqlite3.connect(self.path)
            db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, path TEXT NOT NULL, value BLOB)")
            db.execute("CREATE INDEX results_path ON results (path)")
            return db
        except (OSError, sqlite3.DatabaseError):
            return None

    def get_many(self, keys: Iterable[str]) -> dict[str, object]:
        """Results found for `keys`; corrupt or foreign entries are left out."""
        from qualitycheck.runner import FileResult

        keys = list(keys)
        found: dict[str, object] = {}
        if self._db is None or not keys:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM results WHERE key IN ({marks})", chunk):
                    try:
                        result = pickle.loads(value)
                    except Exception:  # noqa: BLE001 - any damage means: recompute
                        continue
                    if isinstance(result, FileResult):
                        found[key] = result
        except sqlite3.DatabaseError:
            self._db = self._recreate()
            return {}
        return found

    def put(self, key: str, slot: str, result: object) -> None:
        """Store `result`; `slot` names what it replaces (one entry per path and role)."""
        self._pending.append((key, slot, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))

    def flush(self) -> None:
        """Write pending entries, replacing older entries of the same paths."""
        if self._db is None or not self._pending:
            self._pending.clear()
            return
        try:
            with self._db:
                self._db.executemany("DELETE FROM results WHERE path = ? AND key != ?",
                                     [(slot, key) for key, slot, _ in self._pending])
                self._db.executemany("INSERT OR REPLACE INTO results (key, path, value) VALUES (?, ?, ?)",
                                     self._pending)
        except sqlite3.DatabaseError:
            self._db = self._recreate()
        self._pending.clear()

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


class ValidationStamps:
    """Remembers which configs (by digest) validated, so later runs can skip jsonschema."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "validated"

    def seen(self, digest: str) -> bool:
        return (self.folder / digest).is_file()

    def record(self, digest: str) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / digest).touch()
        except OSError:
            pass  # a read-only checkout validates every time
