"""The findings cache: an unchanged article is not checked again.

Each entry is the whole `FileResult` of one file (findings, errors and what
corpus rules collected), keyed by the file's content hash, how it was shown
(path, target or context) and a digest of everything else that decides the
result (tool version, rules and their options, loader options, `--as-of`).
So findings come back exactly as before, not only "this file was clean".
What corpus rules collected is stored in its own column, and the corpus
rules' result of a run is stored too, keyed by the keys of all its files:
a run over unchanged files loads neither collected data nor runs the
corpus rules. The content digests themselves are remembered under each
file's stat data (see `filedigest`), so an unchanged file is not even read.

Entries live in one SQLite file. Anything unreadable — a corrupt database,
an entry that does not unpickle or is not a FileResult — is ignored and
rewritten, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Optional

SCHEMA_VERSION = 5  # bumped when FileResult/Finding gain fields (2: refs, record_line; 3: suppressions;
# 4: collected data in its own column, corpus results; 5: keys from content digests, the digests memo)
CORPUS_RESULTS_KEPT = 8  # corpus-rule results of the last runs over different file sets
BACKGROUND_ENTRIES = 100  # fewer pending results and digests are written at once: a fork costs more
DEFAULT_CACHE_DIR = Path(".qualitycheck") / "cache"


def result_key(content: str, shown: str, is_target: bool, plan_digest: str) -> str:
    """The cache key of a file's result: its content digest (`filedigest`), how it is shown, its role, the plan."""
    text = f"{content}\0{shown}\0{'T' if is_target else 'C'}\0{plan_digest}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).hexdigest()


def pack(result: object) -> tuple[bytes, bytes]:
    """A FileResult as the cache stores it: pickled without its collected data, and that data apart."""
    collected = getattr(result, "collected", [])
    if collected:
        result = replace(result, collected=[])  # type: ignore[type-var]
    return (pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps(collected, protocol=pickle.HIGHEST_PROTOCOL))


def unpack(packed: tuple[bytes, bytes]) -> object:
    """The FileResult that `pack` stored."""
    result = pickle.loads(packed[0])
    result.collected = pickle.loads(packed[1])
    return result


class FindingsCache:
    """Get and put FileResults by key; writes are batched into one transaction."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / f"findings-v{SCHEMA_VERSION}.sqlite"
        self._pending: list[tuple[str, str, bytes, bytes]] = []
        self._pending_corpus: list[tuple[str, bytes]] = []
        self._pending_digests: list[tuple] = []
        self._writer: Optional[int] = None  # pid of the child writing a background flush
        self._db = self._open()

    def _open(self) -> Optional[sqlite3.Connection]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Written by qualitycheck: the findings cache is not for version control.\n*\n")
            return _connect(self.path)
        except sqlite3.DatabaseError:
            return self._recreate()
        except OSError:
            return None  # a read-only checkout: run without a cache

    def _recreate(self) -> Optional[sqlite3.Connection]:
        try:
            self.path.unlink(missing_ok=True)
            return _connect(self.path)
        except (OSError, sqlite3.DatabaseError):
            return None

    def get_many(self, keys: Iterable[str], collected: bool = True) -> dict[str, object]:
        """Results found for `keys`; corrupt or foreign entries are left out.

        Without `collected`, what corpus rules collected is not loaded (the
        results' `collected` stays empty): for runs whose corpus result is cached.
        """
        from qualitycheck.runner import FileResult

        keys = list(keys)
        found: dict[str, object] = {}
        if self._db is None or not keys:
            return found
        columns = "key, value, collected" if collected else "key, value, NULL"
        for key, value, data in self._rows_in(f"SELECT {columns} FROM results WHERE key IN ({{marks}})", keys):
            try:
                result = pickle.loads(value)
                if data is not None and isinstance(result, FileResult):
                    result.collected = pickle.loads(data)
            except Exception:  # noqa: BLE001 - any damage means: recompute
                continue
            if isinstance(result, FileResult) and isinstance(result.collected, list):
                found[key] = result
        return found

    def known_digests(self, names: Iterable[str]) -> dict[str, tuple]:
        """What `filedigest` remembered of these files: memo name -> (Stamp, content digest)."""
        from qualitycheck.filedigest import Stamp

        rows = self._rows_in("SELECT name, size, mtime_ns, ctime_ns, inode, digest FROM digests "
                             "WHERE name IN ({marks})", list(names))
        return {name: (Stamp(size, mtime_ns, ctime_ns, inode), digest)
                for name, size, mtime_ns, ctime_ns, inode, digest in rows}

    def remember_digests(self, rows: Iterable) -> None:
        """Store `filedigest.Remembered` rows (written by the next `flush`)."""
        self._pending_digests.extend((row.name, *row.stamp, row.digest) for row in rows)

    def known_slots(self, slots: Iterable[str]) -> set[str]:
        """The slots (path and role, see `put`) that have an entry; a file without one is certainly checked."""
        return {row[0] for row in self._rows_in("SELECT path FROM results WHERE path IN ({marks})", list(slots))}

    def _rows_in(self, sql: str, values: list) -> list[tuple]:
        """The rows of `sql` (with `{marks}` for an IN list) over `values`, in chunks of 500.

        No rows without a database, and none when it turns out damaged (it is then recreated).
        """
        rows: list[tuple] = []
        self._wait_for_writer()
        if self._db is None:
            return rows
        try:
            for start in range(0, len(values), 500):
                chunk = values[start:start + 500]
                rows.extend(self._db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk))
        except sqlite3.DatabaseError:
            self._db = self._recreate()
            return []
        return rows

    def put(self, key: str, slot: str, result: object, packed: Optional[tuple[bytes, bytes]] = None) -> None:
        """Store `result`; `slot` names what it replaces (one entry per path and role).

        `packed` is `pack(result)` when the caller has it already (a worker process made it).
        """
        self._pending.append((key, slot) + (packed or pack(result)))

    def get_corpus(self, key: str) -> Optional[object]:
        """The corpus rules' result stored under `key` (see `execution.corpus_key`), or None."""
        from qualitycheck.runner import FileResult

        self._wait_for_writer()
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM corpus WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError:
            self._db = self._recreate()
            return None
        if row is None:
            return None
        try:
            result = pickle.loads(row[0])
        except Exception:  # noqa: BLE001 - any damage means: run the corpus rules again
            return None
        return result if isinstance(result, FileResult) else None

    def put_corpus(self, key: str, result: object) -> None:
        """Store the corpus rules' result of a run (written by the next `flush`)."""
        self._pending_corpus.append((key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))

    def flush(self, background: bool = False) -> None:
        """Write pending entries, replacing older entries of the same paths.

        With `background`, a forked child writes them on its own connection
        while this process goes on (a cold run writes megabytes while its
        corpus rules run); the next use of the cache waits for the child. A
        few entries (a one-file check) are written at once: forking costs
        more than writing them.
        """
        self._wait_for_writer()
        pending = (self._pending, self._pending_corpus, self._pending_digests)
        self._pending, self._pending_corpus, self._pending_digests = [], [], []
        if self._db is None or not any(pending):
            return
        if background and len(pending[0]) + len(pending[2]) >= BACKGROUND_ENTRIES:
            from qualitycheck.forking import start_in_child

            self._writer = start_in_child(lambda: _write(_connect(self.path), *pending))
            if self._writer is not None:
                return
        try:
            _write(self._db, *pending)
        except sqlite3.DatabaseError:
            self._db = self._recreate()

    def _wait_for_writer(self) -> None:
        """Wait for the child writing a background flush, if there is one (it may fail: a cache is optional)."""
        if self._writer is not None:
            from qualitycheck.forking import wait_for

            wait_for(self._writer)
            self._writer = None

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


def _write(db: sqlite3.Connection, results: list[tuple[str, str, bytes, bytes]], corpus: list[tuple[str, bytes]],
           digests: list[tuple]) -> None:
    """Write pending entries in one transaction."""
    with db:
        db.executemany("DELETE FROM results WHERE path = ? AND key != ?", [(slot, key) for key, slot, _, _ in results])
        db.executemany("INSERT OR REPLACE INTO results (key, path, value, collected) VALUES (?, ?, ?, ?)", results)
        if corpus:
            db.executemany("INSERT OR REPLACE INTO corpus (key, value) VALUES (?, ?)", corpus)
            db.execute("DELETE FROM corpus WHERE rowid NOT IN (SELECT rowid FROM corpus ORDER BY rowid DESC LIMIT ?)",
                       (CORPUS_RESULTS_KEPT,))
        if digests:
            db.executemany("INSERT OR REPLACE INTO digests (name, size, mtime_ns, ctime_ns, inode, digest) "
                           "VALUES (?, ?, ?, ?, ?, ?)", digests)


def _connect(path: Path) -> sqlite3.Connection:
    """The cache database, with its tables.

    Without fsync (`synchronous = OFF`): the cache can be rebuilt, and a file
    damaged by a crash mid-write is detected and recreated (see `_recreate`),
    while waiting for the disk at every write costs each cold run.
    """
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous = OFF")
    _create_tables(db)
    return db


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, path TEXT NOT NULL, value BLOB, "
               "collected BLOB)")
    db.execute("CREATE INDEX IF NOT EXISTS results_path ON results (path)")
    db.execute("CREATE TABLE IF NOT EXISTS corpus (key TEXT PRIMARY KEY, value BLOB)")
    db.execute("CREATE TABLE IF NOT EXISTS digests (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
               "ctime_ns INTEGER, inode INTEGER, digest TEXT)")


class ValidationStamps:
    """Remembers which configs and option sets (by digest) validated, so later runs can skip jsonschema.

    A config's stamp also holds its parse (data and key positions, as JSON), so
    that a run with an unchanged rules.yaml imports no YAML parser either. A
    stamp that does not read back as what was stored counts as missing.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "validated"
        self._read: dict[str, Optional[dict]] = {}  # digest -> what `seen` found: a run asks more than once

    def seen(self, digest: str) -> Optional[dict]:
        """None when `digest` never validated; else {"parsed": (data, positions) or None}."""
        if digest not in self._read:
            self._read[digest] = self._load(digest)
        return self._read[digest]

    def _load(self, digest: str) -> Optional[dict]:
        try:
            text = (self.folder / digest).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if not text:
            return {"parsed": None}  # a stamp without a parse (an option set, or data JSON cannot hold)
        try:
            stored = json.loads(text)
            positions = {tuple(path): (line, column) for path, line, column in stored["positions"]}
            return {"parsed": (stored["data"], positions)}
        except (ValueError, KeyError, TypeError):
            return None

    def record(self, digest: str, parsed: Optional[tuple] = None) -> None:
        """Stamp `digest` as valid, with the parse of its config when given and JSON holds it exactly."""
        from qualitycheck.atomicio import write_atomic

        text = ""
        if parsed is not None:
            data, positions = parsed
            try:
                encoded = json.dumps({"data": data, "positions": [[list(path), line, column] for path, (line, column)
                                                                  in positions.items()]})
            except (TypeError, ValueError):
                encoded = ""
            if encoded and json.loads(encoded)["data"] == data:  # no tuple, set or non-string key changed
                text = encoded
        try:
            write_atomic(self.folder / digest, text, durable=False)
        except OSError:
            return  # a read-only checkout validates every time
        self._read[digest] = {"parsed": parsed if text else None}  # what `seen` reads back from this stamp
