"""The archive index: every document's identity and every corpus rule's collected data, in SQLite.

A pre-commit or CI run checks a few new files, but corpus rules compare them
with the whole archive. Instead of re-reading the archive, `check` looks it up
here: files whose size and mtime (or, when in doubt, content hash) match the
index are not read, files changed since are re-read as usual.

The index is generic over corpus rules: for each document it stores the file
(path relative to the config folder, SHA-256, size, mtime), the record name,
where its text starts, its metadata, and for each corpus rule the pickled
output of `collect` keyed by rule name and a digest of the rule's options.
A rule that declares `index_keys(data)` also gets those integer keys stored
in an indexed table (duplicate-article: its LSH band keys), and a check loads
only the indexed documents sharing a key with a target; other rules get every
indexed document as context. A module defining a corpus rule may define
`index_settings()` returning what else decides its collected data (library
versions, hashing parameters); it is folded into the rule's digest.

Safety: `build` writes a new database beside the old one and renames it into
place, so an interrupted build leaves the previous index (or none). `update`
runs in one SQLite transaction, so an interrupted update leaves the index as
it was. The tool version and every setting that decides the stored data are
recorded; a mismatched index is refused with a one-line message to rebuild.

The index is a local cache of pickled data: build it yourself, don't commit
it or use one from an untrusted source.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

from qualitycheck import __version__
from qualitycheck.config import Config
from qualitycheck.errors import UserError
from qualitycheck.model import DocumentRef
from qualitycheck.paths import display_path
from qualitycheck.reading import read_file_bytes
from qualitycheck.records import record
from qualitycheck.ruleset import ActiveRule

FORMAT_VERSION = 2  # 2: ad-text and related-article keys
DEFAULT_PATH = ".qualitycheck/index.sqlite"
RACY_WINDOW_NS = 2_000_000_000  # files modified this close to a build are verified by content hash
REBUILD = "run `qualitycheck index build` to rebuild it"
_PARAMS = 900  # SQLite host parameters per statement, below the historic limit of 999
_PICKLE = 4

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
                   size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
CREATE TABLE documents(id INTEGER PRIMARY KEY, file INTEGER NOT NULL, position INTEGER NOT NULL,
                       record TEXT, first_line INTEGER NOT NULL, record_line INTEGER, metadata BLOB NOT NULL);
CREATE INDEX documents_by_file ON documents(file);
CREATE TABLE rules(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, digest TEXT NOT NULL);
CREATE TABLE collected(rule INTEGER NOT NULL, document INTEGER NOT NULL, data BLOB NOT NULL,
                       PRIMARY KEY(rule, document)) WITHOUT ROWID;
CREATE TABLE keys(rule INTEGER NOT NULL, key INTEGER NOT NULL, document INTEGER NOT NULL,
                  PRIMARY KEY(rule, key, document)) WITHOUT ROWID;
"""


# --- settings -------------------------------------------------------------------------------------------------

def index_path(config: Config) -> Path:
    """Where the index lives: `index.path` in rules.yaml (relative to it), else .qualitycheck/index.sqlite."""
    section = config.raw.get("index") if isinstance(config.raw, Mapping) else None
    given = section.get("path") if isinstance(section, Mapping) else None
    return config.root / (given or DEFAULT_PATH)


def rule_digest(active: ActiveRule) -> str:
    """Everything that decides what a corpus rule's `collect` returns."""
    module = sys.modules.get(getattr(active.rule.collect, "__module__", "") or "")
    extra = getattr(module, "index_settings", None)
    payload = {"name": active.rule.name, "origin": active.rule.origin, "options": active.options,
               "tool": __version__, "extra": extra() if callable(extra) else None}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def loader_digest(plan) -> str:
    """Which loader reads which suffix, with which options: decides the documents themselves."""
    payload = {"loaders": sorted((suffix, loader.name, loader.origin) for suffix, loader in plan.loaders.items()),
               "options": plan.loader_options}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _relative(config: Config, path: Path) -> str:
    return display_path(path, config.root)


def _shown(config: Config, relative: str) -> str:
    return display_path(config.root / relative)


# --- opening and validating -----------------------------------------------------------------------------------

def _connect(path: Path, read_only: bool, timeout: float = 30.0) -> sqlite3.Connection:
    """A connection that waits up to `timeout` seconds for another process's write to end."""
    if read_only:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    else:
        connection = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    return connection


def _read_meta(connection: sqlite3.Connection, shown: str) -> dict[str, str]:
    try:
        return dict(connection.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError as exc:
        raise UserError(f"{shown}: not a usable qualitycheck index ({exc}); {REBUILD}") from None


def _validate(meta: Mapping[str, str], plan, shown: str, rules: Sequence[ActiveRule]) -> dict[str, int]:
    """Rule name -> rule id in the index, or a UserError saying why the index does not fit."""
    if meta.get("format") != str(FORMAT_VERSION):
        raise UserError(f"{shown}: index format {meta.get('format', 'unknown')} is not the one this version "
                        f"reads ({FORMAT_VERSION}); {REBUILD}")
    if meta.get("tool") != __version__:
        raise UserError(f"{shown}: index was built by qualitycheck {meta.get('tool', 'unknown')}, this is "
                        f"{__version__}; {REBUILD}")
    if meta.get("loaders") != loader_digest(plan):
        raise UserError(f"{shown}: index was built with other input settings (inputs: or loader plugins); {REBUILD}")
    stored = json.loads(meta.get("rules", "{}"))
    ids = {}
    for active in rules:
        entry = stored.get(active.name)
        if entry is None:
            raise UserError(f"{shown}: index holds no data for rule {active.name!r}; {REBUILD}")
        if entry["digest"] != rule_digest(active):
            raise UserError(f"{shown}: index was built with other settings for rule {active.name!r} (its options, "
                            f"or the rule's code changed); {REBUILD}")
        ids[active.name] = entry["id"]
    return ids


# --- writing --------------------------------------------------------------------------------------------------

@record(frozen=False)
class IndexedFile:
    """One file to store: where it is, its content hash and stat, and what `check_file` collected from it."""

    relative: str
    sha256: str
    size: int
    mtime_ns: int
    collected: list  # runner.CollectedDocument


def describe(config: Config, path: Path, result) -> Optional[IndexedFile]:
    """An IndexedFile for `path` and its FileResult, or None when the file cannot be read now."""
    try:
        stat = os.stat(path)
        data = read_file_bytes(path, stat.st_size)
    except OSError:
        return None
    return IndexedFile(_relative(config, path), file_sha256(data), stat.st_size, stat.st_mtime_ns,
                       list(result.collected))


class _Writer:
    """Inserts files, documents, collected data and keys in batches."""

    def __init__(self, connection: sqlite3.Connection, rules: Sequence[ActiveRule], rule_ids: Mapping[str, int]):
        self.connection = connection
        self.rules = rules
        self.rule_ids = rule_ids
        self.next_file = (connection.execute("SELECT COALESCE(MAX(id), 0) FROM files").fetchone()[0]) + 1
        self.next_document = (connection.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0]) + 1
        self.documents = 0

    def add(self, files: Iterable[IndexedFile]) -> None:
        file_rows, document_rows, data_rows, key_rows = [], [], [], []
        for indexed in files:
            file_id = self.next_file
            self.next_file += 1
            file_rows.append((file_id, indexed.relative, indexed.sha256, indexed.size, indexed.mtime_ns))
            for position, doc in enumerate(indexed.collected):
                document_id = self.next_document
                self.next_document += 1
                self.documents += 1
                document_rows.append((document_id, file_id, position, doc.ref.record, doc.first_line,
                                      doc.record_line, pickle.dumps(dict(doc.metadata), _PICKLE)))
                for active in self.rules:
                    if active.name not in doc.data:
                        continue
                    rule_id = self.rule_ids[active.name]
                    value = doc.data[active.name]
                    data_rows.append((rule_id, document_id, pickle.dumps(value, _PICKLE)))
                    if active.rule.index_keys is not None:
                        key_rows.extend((rule_id, key, document_id) for key in set(active.rule.index_keys(value)))
        execute = self.connection.executemany
        execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)", file_rows)
        execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", document_rows)
        execute("INSERT INTO collected VALUES (?, ?, ?)", data_rows)
        execute("INSERT OR IGNORE INTO keys VALUES (?, ?, ?)", key_rows)

    def remove(self, file_ids: Sequence[int]) -> None:
        """Delete files with their documents, collected data and keys."""
        by_id = {a.name: a for a in self.rules}
        names = {rule_id: name for name, rule_id in self.rule_ids.items()}
        for chunk in _chunks(list(file_ids)):
            marks = ",".join("?" * len(chunk))
            documents = [row[0] for row in self.connection.execute(
                f"SELECT id FROM documents WHERE file IN ({marks})", chunk)]
            for doc_chunk in _chunks(documents, _PARAMS - 1):
                doc_marks = ",".join("?" * len(doc_chunk))
                for rule_id in sorted(names):  # by rule: (rule, document) is the key, a scan by document reads all
                    active = by_id.get(names[rule_id])
                    if active is not None and active.rule.index_keys is not None:
                        rows = self.connection.execute(f"SELECT document, data FROM collected WHERE rule = ? AND "
                                                       f"document IN ({doc_marks})", [rule_id, *doc_chunk])
                        self.connection.executemany(
                            "DELETE FROM keys WHERE rule = ? AND key = ? AND document = ?",
                            [(rule_id, key, document_id) for document_id, blob in rows.fetchall()
                             for key in set(active.rule.index_keys(pickle.loads(blob)))])
                    self.connection.execute(f"DELETE FROM collected WHERE rule = ? AND document IN ({doc_marks})",
                                            [rule_id, *doc_chunk])
                self.connection.execute(f"DELETE FROM documents WHERE id IN ({doc_marks})", doc_chunk)
            self.connection.execute(f"DELETE FROM files WHERE id IN ({marks})", chunk)


def _chunks(items: list, size: int = _PARAMS) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _meta_rows(plan, rules: Sequence[ActiveRule], rule_ids: Mapping[str, int], scope: Sequence[str],
               started_ns: int) -> list[tuple[str, str]]:
    return [
        ("format", str(FORMAT_VERSION)),
        ("tool", __version__),
        ("loaders", loader_digest(plan)),
        ("rules", json.dumps({a.name: {"id": rule_ids[a.name], "digest": rule_digest(a)} for a in rules},
                             sort_keys=True)),
        ("scope", json.dumps(list(scope))),
        ("built_ns", str(started_ns)),
    ]


@record
class BuildSummary:
    files: int
    documents: int
    seconds: float


def build(config: Config, plan, scope: Sequence[str], files: Iterable[IndexedFile], started_ns: int,
          fail_after: Optional[int] = None) -> BuildSummary:
    """Write a new index from `files` (of the corpus rules in `plan`) and move it into place atomically.

    `scope` is the list of paths (relative to the config folder) the index covers, empty for all of
    `include:`; `update` rescans the same. `fail_after` raises after that many files (for tests of
    interrupted builds).
    """
    started = time.perf_counter()
    target = index_path(config)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    rules = plan.corpus_rules
    rule_ids = {active.name: number for number, active in enumerate(rules, start=1)}
    connection = _connect(temporary, read_only=False)
    try:
        connection.execute("PRAGMA journal_mode=OFF")  # the rename below is what makes the build atomic
        connection.execute("PRAGMA synchronous=OFF")
        connection.executescript(SCHEMA)
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO rules VALUES (?, ?, ?)",
                               [(rule_ids[a.name], a.name, rule_digest(a)) for a in rules])
        connection.executemany("INSERT INTO meta VALUES (?, ?)", _meta_rows(plan, rules, rule_ids, scope, started_ns))
        writer = _Writer(connection, rules, rule_ids)
        count = 0
        batch: list[IndexedFile] = []
        for indexed in files:
            batch.append(indexed)
            count += 1
            if fail_after is not None and count > fail_after:
                raise RuntimeError(f"build interrupted after {fail_after} files")
            if len(batch) >= 500:
                writer.add(batch)
                batch = []
        writer.add(batch)
        connection.execute("COMMIT")
        connection.close()
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        connection.close()
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return BuildSummary(count, writer.documents, time.perf_counter() - started)


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of builds that were killed (their process is gone)."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        pid = leftover.name[len(target.name) + 2:-4]
        if pid.isdigit() and not _alive(int(pid)):
            try:
                leftover.unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- reading the stored state ---------------------------------------------------------------------------------

StoredFile = tuple  # (id, size, mtime_ns) of an indexed file


def _stored_files(connection: sqlite3.Connection) -> dict[str, StoredFile]:
    """Path -> (id, size, mtime_ns) of every indexed file (plain tuples: 100,000 rows load fast)."""
    return {row[0]: row[1:] for row in connection.execute("SELECT path, id, size, mtime_ns FROM files")}


def _is_fresh(connection: sqlite3.Connection, path: Path, stored: StoredFile, built_ns: int) -> bool:
    """Unchanged since it was indexed: same size and mtime (not in the racy window), else same content hash."""
    file_id, size, mtime_ns = stored
    try:
        stat = os.stat(path)
    except OSError:
        return False
    if stat.st_size != size:
        return False
    if stat.st_mtime_ns == mtime_ns and mtime_ns < built_ns - RACY_WINDOW_NS:
        return True
    (sha256,) = connection.execute("SELECT sha256 FROM files WHERE id = ?", (file_id,)).fetchone()
    try:
        return file_sha256(read_file_bytes(path, stat.st_size)) == sha256
    except OSError:
        return False


# --- updating -------------------------------------------------------------------------------------------------

@record
class UpdatePlan:
    """What `update` will do: files to (re)collect, stored files to drop, and how many stay."""

    changed: list[Path]
    added: list[Path]
    removed: list[int]  # ids of stored files gone from the scope
    unchanged: int
    replaced: list[int] = field(default_factory=list)  # ids of the stored versions of the `changed` files


def open_for_update(config: Config, plan) -> tuple[sqlite3.Connection, dict[str, str]]:
    """The existing index, writable and validated against `plan`; UserError when missing or mismatched."""
    target = index_path(config)
    shown = display_path(target)
    if not target.is_file():
        raise UserError(f"{shown}: no index yet; run `qualitycheck index build` first")
    connection = _connect(target, read_only=False)
    meta = _read_meta(connection, shown)
    try:
        _validate(meta, plan, shown, plan.corpus_rules)
    except UserError:
        connection.close()
        raise
    return connection, meta


def _compare(config: Config, connection: sqlite3.Connection, stored: Mapping[str, StoredFile],
             files: Iterable[Path], built_ns: int) -> UpdatePlan:
    """Which of `files` are new, changed or unchanged against `stored` (relative path -> its row); no file
    is found removed here."""
    changed, added, replaced, unchanged = [], [], [], 0
    for path in files:
        known = stored.get(_relative(config, path))
        if known is None:
            added.append(path)
        elif _is_fresh(connection, path, known, built_ns):
            unchanged += 1
        else:
            changed.append(path)
            replaced.append(known[0])
    return UpdatePlan(changed, added, [], unchanged, replaced)


def plan_update(config: Config, connection: sqlite3.Connection, meta: Mapping[str, str],
                files: Sequence[Path]) -> UpdatePlan:
    """Compare the files in scope now with what the index holds."""
    stored = _stored_files(connection)
    update = _compare(config, connection, stored, files, int(meta.get("built_ns", "0")))
    seen = {_relative(config, path) for path in files}
    return replace(update, removed=[known[0] for relative, known in stored.items() if relative not in seen])


@contextmanager
def _write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back when anything raises (an interrupted write changes nothing)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def apply_update(config: Config, plan, connection: sqlite3.Connection, meta: Mapping[str, str],
                 update: UpdatePlan, files: Iterable[IndexedFile], started_ns: int) -> None:
    """Replace changed files, add new ones, drop removed ones: one transaction."""
    rule_ids = {name: entry["id"] for name, entry in json.loads(meta["rules"]).items()}
    with _write_transaction(connection):
        writer = _Writer(connection, plan.corpus_rules, rule_ids)
        writer.remove(update.replaced + update.removed)
        writer.add(files)
        connection.execute("UPDATE meta SET value = ? WHERE key = 'built_ns'", (str(started_ns),))


def scope_of(meta: Mapping[str, str]) -> list[str]:
    return list(json.loads(meta.get("scope", "[]")))


def _within(scope: Sequence[str], relative: str) -> bool:
    """Whether a path (relative to the config folder) is below one of the paths an index was built for."""
    return not scope or any(s == "." or relative == s or relative.startswith(s + "/") for s in scope)


LEARN_TIMEOUT = 1.0  # seconds a check waits for an index another process is writing before it leaves it be


# --- checking against the index -------------------------------------------------------------------------------

@record(frozen=False)
class IndexContext:
    """What the index gives a check of a few targets: see `IndexView.context`."""

    documents: list  # runner.CollectedDocument of unchanged indexed files the corpus rules need
    stale: list[Path]  # indexed files changed since the index: to re-read as context
    key_counts: dict[str, dict[int, int]]  # rule name -> looked-up key -> indexed documents filed under it


class IndexView:
    """A read-only view of the index for one `check` run of a few target files.

    The context of the targets is the index's documents, not the folder: no
    walk of the archive, no stat of every indexed file. `context(targets)`
    looks up, for each corpus rule, the keys the targets look for and loads
    only the documents filed under them; only those documents' files are
    checked against the disk (stat, else content hash): changed ones are
    re-read, deleted ones dropped. A rule with `index_counts` gets per-key
    document counts instead of documents. `learn` stores the targets
    afterwards; other files added since the last `index build|update` are
    not context until the next `index update`.
    """

    def __init__(self, config: Config, plan, connection: sqlite3.Connection, meta: Mapping[str, str],
                 rule_ids: Mapping[str, int]) -> None:
        self.config = config
        self.plan = plan
        self.connection = connection
        self.meta = meta
        self.built_ns = int(meta.get("built_ns", "0"))
        self.rule_ids = rule_ids

    def _query(self, sql: str, first: list, items: Sequence) -> Iterable[tuple]:
        """Run `sql` (with `{marks}` for the IN list) over `items` in chunks."""
        for chunk in _chunks(sorted(items), _PARAMS - len(first)):
            yield from self.connection.execute(sql.format(marks=",".join("?" * len(chunk))), [*first, *chunk])

    def context(self, targets: Sequence[Any], target_paths: Iterable[str]) -> IndexContext:
        """The indexed context of `targets` (CollectedDocuments) from files other than `target_paths`
        (paths relative to the config folder)."""
        from qualitycheck.runner import CollectedDocument

        excluded_files = {row[0] for row in self._query("SELECT id FROM files WHERE path IN ({marks})", [],
                                                        list(set(target_paths)))}
        lookups = {}
        wanted: dict[int, list[str]] = {}  # document id -> rules that need it
        everything = False
        for active in self.plan.corpus_rules:
            rule = active.rule
            rule_id = self.rule_ids[active.name]
            if rule.index_keys is None:
                everything = True
                rows: Iterable = self.connection.execute("SELECT document FROM collected WHERE rule = ?", (rule_id,))
            else:
                keys = {key for doc in targets if active.name in doc.data
                        for key in rule.keys_looked_up(doc.data[active.name])}
                lookups[active.name] = keys
                if rule.index_counts:
                    continue
                rows = self._query("SELECT DISTINCT document FROM keys WHERE rule = ? AND key IN ({marks})",
                                   [rule_id], keys)
            for (document_id,) in rows:
                wanted.setdefault(document_id, []).append(active.name)
        documents = {row[0]: row[1:] for row in self._query(
            "SELECT id, file, position, record, first_line, record_line, metadata FROM documents WHERE id IN ({marks})",
            [], list(wanted))}
        files = {file_id for file_id, *_ in documents.values()} - excluded_files
        if everything:
            stored = {row[0]: row[1:] for row in self.connection.execute("SELECT id, path, size, mtime_ns FROM files")}
        else:
            stored = {row[0]: row[1:] for row in self._query(
                "SELECT id, path, size, mtime_ns FROM files WHERE id IN ({marks})", [], files)}
        fresh, stale = {}, []
        for file_id in sorted(files, key=lambda f: stored[f][0]):
            relative, size, mtime_ns = stored[file_id]
            path = self.config.root / relative
            if _is_fresh(self.connection, path, (file_id, size, mtime_ns), self.built_ns):
                fresh[file_id] = self._shown(relative)
            else:
                excluded_files.add(file_id)
                if path.is_file():
                    stale.append(path)
        blobs: dict[tuple[int, str], bytes] = {}
        for name in {name for names in wanted.values() for name in names}:
            ids = [d for d, names in wanted.items() if name in names and documents[d][0] in fresh]
            blobs.update(((document_id, name), blob) for document_id, blob in self._query(
                "SELECT document, data FROM collected WHERE rule = ? AND document IN ({marks})",
                [self.rule_ids[name]], ids))
        found = []
        for document_id in sorted(wanted, key=lambda d: (documents[d][0], documents[d][1])):
            file_id, _, record, first_line, record_line, metadata = documents[document_id]
            if file_id not in fresh:
                continue
            data = {name: pickle.loads(blobs[document_id, name]) for name in wanted[document_id]}
            found.append(CollectedDocument(DocumentRef(fresh[file_id], record), pickle.loads(metadata), first_line,
                                           data, record_line))
        counts = {active.name: self._counts(active, lookups[active.name], excluded_files)
                  for active in self.plan.corpus_rules if active.rule.index_counts and active.name in lookups}
        return IndexContext(found, stale, counts)

    def _counts(self, active: ActiveRule, keys: set[int], excluded_files: set[int]) -> dict[int, int]:
        """Indexed documents filed under each key, leaving out those of `excluded_files` (targets, changed).

        One query over two temporary tables (a read-only connection may write its temp database), so a
        check of many targets costs one indexed pass, not one query per chunk of keys and documents.
        """
        connection = self.connection
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_keys(key INTEGER PRIMARY KEY)")
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS excluded_files(id INTEGER PRIMARY KEY)")
        connection.execute("DELETE FROM wanted_keys")
        connection.execute("DELETE FROM excluded_files")
        connection.executemany("INSERT INTO wanted_keys VALUES (?)", ((key,) for key in keys))
        connection.executemany("INSERT INTO excluded_files VALUES (?)", ((file_id,) for file_id in excluded_files))
        rows = connection.execute(
            # CROSS JOIN fixes the join order: from the few wanted keys and files into the big tables
            "SELECT k.key, COUNT(*) FROM wanted_keys w CROSS JOIN keys k ON k.rule = ? AND k.key = w.key "
            "WHERE k.document NOT IN (SELECT d.id FROM excluded_files e CROSS JOIN documents d ON d.file = e.id) "
            "GROUP BY k.key", (self.rule_ids[active.name],))
        return dict(rows)

    def _shown(self, relative: str) -> str:
        """The path as reports show it (relative to the working directory)."""
        if self._at_root is None:
            self._at_root = os.path.abspath(os.getcwd()) == os.fspath(self.config.root)
        return relative if self._at_root else _shown(self.config, relative)

    _at_root: Optional[bool] = None

    def learn(self, checked: Sequence[tuple[Path, Any]], covers: Callable[[Path], bool]) -> int:
        """Store target files this check read that the index does not hold as they are now; how many were stored.

        Without this, an article committed after the last `index build|update`
        would not be context for the next commit's check: a copy of it would
        pass. `checked` pairs each target file with its FileResult;
        `covers(file)` says whether the index takes it (known suffix,
        `include:`, not `exclude:`), and it must also lie within the paths the
        index was built for. A file whose check raised an error is left to
        `index update`, and so is every file of a check that ran other corpus
        rules than the index holds (`--select`): a file stored without one
        rule's data would be missing from that rule's context, and counted as
        indexed by `update`. A file outside the config folder is never
        stored. All in one transaction, on a connection of its own (call it
        after `close`: the view's read transaction would keep the write
        waiting); an index another process is writing, or one this user may
        not write, is left as it is (the check's own findings do not depend
        on it).
        """
        if set(json.loads(self.meta.get("rules", "{}"))) != set(self.rule_ids):
            return 0
        config, scope = self.config, scope_of(self.meta)
        candidates = {_relative(config, path): (path, result) for path, result in checked
                      if not result.errors and covers(path)}
        candidates = {relative: item for relative, item in candidates.items()
                      if not relative.startswith("../") and _within(scope, relative)}
        if not candidates:
            return 0
        try:
            connection = _connect(index_path(config), read_only=False, timeout=LEARN_TIMEOUT)
        except sqlite3.Error:
            return 0
        try:
            stored = {row[0]: row[1:] for chunk in _chunks(sorted(candidates)) for row in connection.execute(
                f"SELECT path, id, size, mtime_ns FROM files WHERE path IN ({','.join('?' * len(chunk))})", chunk)}
            update = _compare(config, connection, stored, [path for path, _ in candidates.values()], self.built_ns)
            results = {path: result for path, result in candidates.values()}
            files = [indexed for indexed in (describe(config, path, results[path])
                                             for path in update.changed + update.added) if indexed is not None]
            if not files:
                return 0
            with _write_transaction(connection):
                writer = _Writer(connection, self.plan.corpus_rules, self.rule_ids)
                writer.remove(update.replaced)
                writer.add(files)
            return len(files)
        except sqlite3.Error:
            return 0
        finally:
            connection.close()

    def close(self) -> None:
        self.connection.close()


def open_view(config: Config, plan) -> Optional[IndexView]:
    """The index for this run's corpus rules, None when there is no index file; UserError when it does not fit."""
    target = index_path(config)
    if not target.is_file():
        return None
    shown = display_path(target)
    try:
        connection = _connect(target, read_only=True)
    except sqlite3.Error as exc:
        raise UserError(f"{shown}: cannot open the index ({exc}); {REBUILD}") from None
    meta = _read_meta(connection, shown)
    try:
        rule_ids = _validate(meta, plan, shown, plan.corpus_rules)
    except UserError:
        connection.close()
        raise
    return IndexView(config, plan, connection, meta, rule_ids)
