"""Schedule the per-file unit of work: from the cache, in worker processes, or inline.

Results come back in input order whatever the schedule, so reports from
`--jobs 1` and `--jobs N`, cold or warm cache, are identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional, Sequence

from qualitycheck import __version__
from qualitycheck.cache import FindingsCache, pack, result_key, unpack
from qualitycheck.errors import UserError
from qualitycheck.filedigest import file_digest, memo_name, read_and_digest
from qualitycheck.forking import can_fork
from qualitycheck.reading import handed_over
from qualitycheck.report import RunError
from qualitycheck.ruleset import ruleset_digest
from qualitycheck.runner import FileResult, Plan, check_file

WorkItem = tuple[Path, str, bool]  # file, path as reports show it, is it a target
Progress = Callable[[int], None]

PARALLEL_THRESHOLD = 16  # below this many files to check, starting workers costs more than it saves

def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def plan_digest(plan: Plan) -> str:
    """Everything besides a file's content that decides its result."""
    payload = {
        "tool": __version__,
        "rules": ruleset_digest(plan.rules),
        "loaders": sorted((suffix, loader.name, loader.origin) for suffix, loader in plan.loaders.items()),
        "loader_options": plan.loader_options,
        "as_of": plan.as_of.isoformat(),
        "code": _code_stamp(plan),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _code_stamp(plan: Plan) -> list[tuple[str, int, int]]:
    """Size and mtime of every module that defines a rule or loader in this plan.

    Editing a local plugin file (or the rules of an editable install) must not
    bring back results its old code produced.
    """
    import sys

    functions = [a.rule.check for a in plan.rules] + [a.rule.collect for a in plan.rules if a.rule.collect]
    functions += [loader.load for loader in plan.loaders.values()]
    stamps = set()
    for function in functions:
        module = sys.modules.get(getattr(function, "__module__", "") or "")
        filename = getattr(module, "__file__", None)
        if filename:
            try:
                info = os.stat(filename)
            except OSError:
                continue
            stamps.add((module.__name__, info.st_mtime_ns, info.st_size))
    return sorted(stamps)


def as_context(result: FileResult) -> FileResult:
    """What checking a file as context gives, from its (error-free) result as a target.

    A context file only has its documents collected for corpus rules: no
    findings, no suppressions. So after a full run, a run on a few files
    finds the rest of the archive in the cache although it is context now.
    """
    return FileResult(result.path, result.documents, collected=result.collected, refs=result.refs)


def corpus_key(digest: str, keys: Sequence[Optional[str]]) -> str:
    """The cache key of the corpus rules' result: the same files (content, path, role), in order, and plan."""
    hasher = hashlib.blake2b(digest.encode("ascii"), digest_size=20)
    for key in keys:
        hasher.update(f"{key}\n".encode("ascii"))
    return "corpus:" + hasher.hexdigest()


def corpus_result_reusable(plan: Plan) -> bool:
    """Whether the corpus rules' result depends on nothing but what they collected (and the plan).

    related-article's opt-in `check-urls` asks the network each run, so its
    result is not reused.
    """
    return bool(plan.corpus_rules) and not any(a.options.get("check-urls") for a in plan.corpus_rules)


def _slot(shown: str, is_target: bool) -> str:
    """What a cache entry replaces: one entry per path and role."""
    return f"{shown}\0{'T' if is_target else 'C'}"


def check_files(
    plan: Plan,
    items: Sequence[WorkItem],
    jobs: int = 1,
    cache: Optional[FindingsCache] = None,
    progress: Optional[Progress] = None,
    corpus_memo: Optional[dict] = None,
    first: Optional[Callable[[], None]] = None,
) -> list[FileResult]:
    """`check_file` for every item, in order, reusing cached results where the content is unchanged.

    With a cache and a `corpus_memo` dict, the dict receives `key`: the key of
    this run's corpus-rule result (every item's key, in order; None when a
    file is unreadable) and `result`: that result when the cache holds it.
    Then the corpus rules need not run, and what they collected is not loaded.
    `first()` is called before the first file is checked (with workers: once
    they have started, in this process); if it raises, nothing is checked.
    """
    results: list[Optional[FileResult]] = [None] * len(items)
    keys: list[Optional[str]] = [None] * len(items)
    unseen: set[int] = set()  # files the cache has no entry for: hashed where they are checked, not here
    remembered = []  # `filedigest.Remembered` rows of the files read: their digests for the next run
    digest = ""
    if cache is not None:
        digest = plan_digest(plan)
        as_target: dict[int, str] = {}  # context files: their key as a target, whose result also serves
        slots = cache.known_slots([_slot(shown, role) for _, shown, is_target in items
                                   for role in ((True,) if is_target else (False, True))])
        seen = [position for position, (_, shown, is_target) in enumerate(items)
                if _slot(shown, is_target) in slots or (not is_target and _slot(shown, True) in slots)]
        unseen.update(set(range(len(items))) - set(seen))  # a cold cache: read once, by the worker that checks it
        names = [memo_name(items[position][0]) for position in seen]
        known = cache.known_digests(names)
        for position, name in zip(seen, names):
            path, shown, is_target = items[position]
            content, row = file_digest(path, known, name)
            if row is not None:
                remembered.append(row)
            if content is not None:
                keys[position] = result_key(content, shown, is_target, digest)
                if not is_target:
                    as_target[position] = result_key(content, shown, True, digest)
        corpus = None
        if corpus_memo is not None and unseen:  # a file never cached: no stored corpus result has its key
            corpus_memo["key"] = corpus_memo["result"] = None
        elif corpus_memo is not None:
            corpus_memo["key"] = corpus_key(digest, keys) if all(keys) else None
            corpus = corpus_memo["result"] = cache.get_corpus(corpus_memo["key"]) if corpus_memo["key"] else None
        hits = cache.get_many((k for k in keys if k), collected=corpus is None)
        for position, key in enumerate(keys):
            if key in hits:
                results[position] = hits[key]
        missed = {position: key for position, key in as_target.items() if results[position] is None}
        if missed:
            checked = cache.get_many(missed.values(), collected=corpus is None)
            for position, key in missed.items():
                if key in checked:
                    results[position] = as_context(checked[key])  # type: ignore[arg-type]
        if progress and any(r is not None for r in results):
            progress(sum(1 for r in results if r is not None))
    todo = [position for position, result in enumerate(results) if result is None]
    work = [items[p] + (p in unseen,) for p in todo]
    for position, (result, packed, content) in zip(todo, _run(plan, work, jobs, progress, packs=cache is not None,
                                                              first=first)):
        results[position] = result
        path, shown, is_target = items[position]
        if content is not None and content[0] is not None:
            keys[position] = result_key(content[0], shown, is_target, digest)
            if content[1] is not None:
                remembered.append(content[1])
        if cache is not None and keys[position] and not result.errors:  # a crash may not happen again
            cache.put(keys[position], _slot(shown, is_target), result, packed)
    if cache is not None and corpus_memo is not None and unseen:
        corpus_memo["key"] = corpus_key(digest, keys) if all(keys) else None
    if cache is not None:
        cache.remember_digests(remembered)
        cache.flush(background=True)  # written while the corpus rules run
    return results  # type: ignore[return-value]


def _run(plan: Plan, items: Sequence[tuple[Path, str, bool, bool]], jobs: int, progress: Optional[Progress],
         packs: bool = False, first: Optional[Callable[[], None]] = None):
    """Yield (result, its cache pickles or None, its `file_digest` or None) in order, from forked workers if it
    pays off.

    Items are WorkItems plus whether to compute the file's content digest.
    Workers send each result pickled as the cache stores it (`cache.pack`),
    so with `packs` the pickling for the pipe is also the cache's; this
    process pickles its own results for the cache as it checks them, and
    unpickles the workers' as they arrive, in between (see `map_forked`).
    """
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD or not can_fork():
        if first is not None:
            first()
        for path, shown, is_target, wants_digest in items:
            content, result = _digest_and_check(plan, path, shown, is_target, wants_digest)
            result, sent = _for_cache(plan, result, packs)
            if progress:  # before yielding: the consumer stops pulling after the last result
                progress(1)
            yield result, sent, content
        return

    def work(item: tuple[Path, str, bool, bool]) -> tuple[Optional[tuple], FileResult, Optional[tuple[bytes, bytes]]]:
        """Check one file; in this process also pickle it for the cache now (shared work, not a wait at the end)."""
        content, result = _digest_and_check(plan, *item)
        return (content,) + _for_cache(plan, result, packs)

    def send(outcome: tuple) -> tuple[Optional[tuple], tuple[bytes, bytes]]:
        """What a worker sends: the digest and the result pickled as the cache stores it (`cache.pack`)."""
        content, result, packed = outcome
        return content, packed if packed is not None else packed_result(plan, result)[1]

    def arrived(sent: tuple[Optional[tuple], tuple[bytes, bytes]]) -> tuple:
        content, packed = sent
        return content, unpack(packed), (packed if packs else None)

    outcomes = _forked("check every file", work, items, jobs, progress, prepare=send, receive=arrived, first=first)
    for content, result, packed in outcomes:
        yield result, packed, content


def _digest_and_check(plan: Plan, path: Path, shown: str, is_target: bool, wants_digest: bool) -> tuple[
        Optional[tuple], FileResult]:
    """(its `file_digest` or None, `check_file`) of one file, reading it once when both need its bytes."""
    if not wants_digest:
        return None, check_file(plan, path, shown, is_target)
    digest, row, data = read_and_digest(path, {})
    with handed_over(path, data):
        return (digest, row), check_file(plan, path, shown, is_target)


def map_coarse(function: Callable, items: Sequence, jobs: int) -> list:
    """`[function(item) for item in items]` in up to `jobs` processes, one item at a time: for a few large items
    (the corpus rules of a big corpus, see `runner.run_corpus_rules`).

    A result that pickle cannot take (a plugin's issue holding a local
    class, say) cannot come back from a child: that item is done again here.
    """
    jobs = min(jobs, len(items))
    if jobs <= 1 or not can_fork():
        return [function(item) for item in items]
    outcomes = _forked("run every rule", function, items, jobs, chunk=1, prepare=_pickled_or_none,
                       receive=_unpickled)
    return [function(item) if outcome is _REDO else outcome for item, outcome in zip(items, outcomes)]


_REDO = object()  # a child's result that could not be sent


def _forked(doing: str, *args, **kwargs) -> list:
    """`forking.map_forked(*args, **kwargs)`; a worker that failed is a one-line error saying how to go on."""
    from qualitycheck.forking import WorkerError, map_forked

    try:
        return map_forked(*args, **kwargs)
    except WorkerError as exc:
        raise UserError(f"{exc}; run with --jobs 1 to {doing} in this process") from None


def _pickled_or_none(result: object) -> Optional[bytes]:
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - whatever pickle raises: this process does the item again
        return None


def _unpickled(sent: Optional[bytes]) -> object:
    return _REDO if sent is None else pickle.loads(sent)


def _for_cache(plan: Plan, result: FileResult, packs: bool) -> tuple[FileResult, Optional[tuple[bytes, bytes]]]:
    return packed_result(plan, result) if packs else (result, None)


def packed_result(plan: Plan, result: FileResult) -> tuple[FileResult, tuple[bytes, bytes]]:
    """(result, `cache.pack(result)`): how a result crosses from a worker and goes into the cache.

    When a corpus rule's `collect` returned something pickle cannot take (a
    generator, an open file), that rule's data is dropped and the result gets
    the rule's error instead, as if the rule had crashed on the document.
    """
    try:
        return result, pack(result)
    except Exception:  # noqa: BLE001 - any pickling failure: find the rule whose data it was
        pass
    errors = list(result.errors)
    collected = []
    for document in result.collected:
        data = {}
        for name, value in document.data.items():
            try:
                pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # noqa: BLE001
                active = plan.active(name)
                errors.append(RunError(name, active.rule.origin if active else "?", document.ref.path,
                                       document.ref.record, f"what collect returned cannot be pickled: "
                                                           f"{type(exc).__name__}: {exc}"))
                continue
            data[name] = value
        collected.append(replace(document, data=data))
    result = replace(result, errors=errors, collected=collected)
    return result, pack(result)
