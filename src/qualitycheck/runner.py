"""Paths -> documents -> rules -> Report. Never prints, never exits.

The unit of work is one file (`check_file`): load its documents, run the
document rules, and `collect` what corpus rules need. That unit is pure and
picklable, so it can run in worker processes and be cached by content.
Corpus rules then run once over what was collected from every file, and
report only on the target files; the other files of `include:` are context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, Sequence

from qualitycheck.config import Config
from qualitycheck.discovery import FileSelector
from qualitycheck.model import CorpusEntry, Document, DocumentRef, Finding, Issue, LoadProblem, Loader, RuleContext
from qualitycheck.paths import display_path
from qualitycheck.plugins import Registry
from qualitycheck.reading import UNREADABLE
from qualitycheck.records import record
from qualitycheck.report import Report, RuleInfo, RunError
from qualitycheck.ruleset import ActiveRule, with_defaults

if TYPE_CHECKING:
    from qualitycheck.cache import FindingsCache

PARALLEL_CORPUS_DOCUMENTS = 1000  # corpus rules of fewer documents take less time than a fork and a pipe


@record
class Plan:
    """Everything `check_file` needs, decided once per run."""

    rules: tuple[ActiveRule, ...]
    loaders: Mapping[str, Loader]  # by lower-case suffix
    loader_options: Mapping[str, Mapping[str, Any]]  # by loader name
    as_of: dt.date

    @cached_property
    def document_rules(self) -> tuple[ActiveRule, ...]:
        return tuple(a for a in self.rules if a.rule.scope == "document")

    @cached_property
    def corpus_rules(self) -> tuple[ActiveRule, ...]:
        return tuple(a for a in self.rules if a.rule.scope == "corpus")

    def active(self, name: str) -> Optional[ActiveRule]:
        for active in self.rules:
            if active.name == name:
                return active
        return None

    def context(self, active: ActiveRule) -> RuleContext:
        """The RuleContext of a rule of this plan (one object per rule, made once: it is asked per document)."""
        return self._contexts[active.name]

    @cached_property
    def _contexts(self) -> dict[str, RuleContext]:
        return {a.name: RuleContext(options=a.options, as_of=self.as_of) for a in self.rules}


@record(frozen=False)
class CollectedDocument:
    """What corpus rules kept of one document, plus where its text starts."""

    ref: DocumentRef
    metadata: Mapping[str, Any]
    first_line: int
    data: dict[str, Any]  # rule name -> what its collect returned
    record_line: Optional[int] = None


@record(frozen=False)
class FileResult:
    """The outcome of checking one file."""

    path: str
    documents: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    collected: list[CollectedDocument] = field(default_factory=list)
    refs: list[DocumentRef] = field(default_factory=list)  # the documents loaded, in file order
    suppressions: list[Any] = field(default_factory=list)  # suppressions.DocumentSuppressions of targets


def make_plan(config: Config, registry: Registry, rules: Sequence[ActiveRule], as_of: dt.date,
              validate: bool = True, deferred: Optional[list] = None) -> Plan:
    """Resolve loader options (validated against each loader's schema, or later: see `config.run_deferred`)
    into a Plan."""
    from functools import partial

    from qualitycheck.config import check_now_or_later, validate_against
    from qualitycheck.errors import ConfigError

    options = {}
    for name, given in config.inputs.items():
        if name not in registry.loaders:
            raise ConfigError(f"{config.where_key(('inputs', name))}: no loader named {name!r} "
                              f"(known: {', '.join(sorted(registry.loaders))})")
    for name, loader in registry.loaders.items():
        given = dict(config.inputs.get(name) or {})
        if given and validate:
            check_now_or_later(partial(validate_against, loader.options_schema, given, config.path, config.positions,
                                       ("inputs", name)), deferred)
        options[name] = with_defaults(loader.options_schema, given)
    return Plan(tuple(rules), dict(registry.suffixes), options, as_of)


def to_finding(active: ActiveRule, document_path: str, record: Optional[str], first_line: int, issue: Issue,
               document: Optional[Document] = None, record_line: Optional[int] = None) -> Finding:
    """Place a rule's issue in the file: file line numbers, severity, code, excerpt."""
    offset = first_line - 1
    end_line = issue.end_line if issue.end_line is not None else issue.line
    if issue.end_column is not None:
        end_column = issue.end_column
    elif document is not None and 0 < end_line <= len(document.lines):
        end_column = len(document.lines[end_line - 1]) + 1
    else:
        end_column = issue.column
    excerpt = issue.excerpt
    if excerpt is None:
        excerpt = document.index.excerpt(issue.line, issue.column, end_line, end_column) if document else ""
    line = max(1, issue.line + offset)
    return Finding(
        rule=active.rule.name,
        code=active.rule.code,
        severity=active.severity,
        path=document_path,
        record=record,
        line=line,
        column=max(1, issue.column),
        end_line=max(line, end_line + offset),
        end_column=max(1, end_column),
        message=str(issue.message),  # plain data from here on: a plugin's str subclass need not pickle
        excerpt=str(excerpt),
        related=tuple(issue.related),
        fix=issue.fix,
        record_line=document.record_line if document is not None else record_line,
    )


def _problem_finding(plan: Plan, path: str, problem: LoadProblem) -> Optional[Finding]:
    active = plan.active(problem.rule)
    if active is None:
        return None
    return Finding(rule=problem.rule, code=active.rule.code, severity=active.severity, path=path,
                   record=problem.record, line=problem.line, column=problem.column, end_line=problem.line,
                   end_column=problem.column, message=problem.message, excerpt="", record_line=problem.record_line)


def check_document(plan: Plan, document: Document, is_target: bool, result: FileResult) -> None:
    """Run document rules (targets only) and corpus collectors on one document."""
    if is_target:
        from qualitycheck.suppressions import parse_suppressions

        suppressions = parse_suppressions(document)
        if suppressions is not None:
            result.suppressions.append(suppressions)
        for active in plan.document_rules:
            try:
                issues = list(active.rule.check(document, plan.context(active)))
            except Exception as exc:  # noqa: BLE001 - a crashing rule must not stop the run
                result.errors.append(RunError(active.name, active.rule.origin, document.path, document.record,
                                              f"{type(exc).__name__}: {exc}"))
                continue
            for issue in issues:
                result.findings.append(to_finding(active, document.path, document.record, document.first_line,
                                                  issue, document))
    data = {}
    for active in plan.corpus_rules:
        try:
            data[active.name] = active.rule.collect(document, plan.context(active))
        except Exception as exc:  # noqa: BLE001
            result.errors.append(RunError(active.name, active.rule.origin, document.path, document.record,
                                          f"{type(exc).__name__}: {exc}"))
    if data:
        result.collected.append(CollectedDocument(document.ref, document.metadata, document.first_line, data,
                                                  document.record_line))


def check_file(plan: Plan, path: Path, shown: str, is_target: bool = True) -> FileResult:
    """Load one file and check every document in it."""
    result = FileResult(shown)
    loader = plan.loaders.get(path.suffix.lower())
    if loader is None:
        if is_target:
            finding = _problem_finding(plan, shown, LoadProblem(
                UNREADABLE, f"no loader reads {path.suffix or 'extension-less'} files; exclude the file or add a "
                            f"loader plugin"))
            result.findings.extend([finding] if finding else [])
        return result
    try:
        for item in loader.load(path, shown, plan.loader_options.get(loader.name, {})):
            if isinstance(item, LoadProblem):
                finding = _problem_finding(plan, shown, item) if is_target else None
                if finding:
                    result.findings.append(finding)
                continue
            result.documents += 1
            result.refs.append(item.ref)
            check_document(plan, item, is_target, result)
    except Exception as exc:  # noqa: BLE001 - a crashing loader is recorded like a crashing rule
        result.errors.append(RunError(f"loader:{loader.name}", loader.origin, shown, None,
                                      f"{type(exc).__name__}: {exc}"))
    return result


def run_corpus_rules(plan: Plan, collected: Iterable[CollectedDocument], targets: set[str],
                     key_counts: Optional[Mapping[str, Mapping[int, int]]] = None, jobs: int = 1) -> FileResult:
    """Run each corpus rule once over everything collected; keep issues about target files.

    `key_counts` (rule name -> key -> indexed documents) comes from the archive
    index for rules with `index_counts` (see `RuleContext.key_counts`). With
    `jobs` > 1 and a large corpus, the rules run side by side in forked
    processes (each rule whole, in one process), which inherit what was
    collected; only their issues come back.
    """
    result = FileResult("<corpus>")
    documents = list(collected)
    by_ref = {doc.ref: doc for doc in documents}

    def rule_issues(active: ActiveRule) -> tuple[bool, Any]:
        entries = [CorpusEntry(doc.ref, doc.metadata, doc.data[active.name], doc.ref.path in targets)
                   for doc in documents if active.name in doc.data]
        context = plan.context(active)
        if key_counts and active.name in key_counts:
            context = RuleContext(context.options, context.as_of, key_counts[active.name])
        try:
            return True, list(active.rule.check(entries, context))
        except Exception as exc:  # noqa: BLE001
            return False, f"{type(exc).__name__}: {exc}"

    if jobs > 1 and len(documents) >= PARALLEL_CORPUS_DOCUMENTS:
        from qualitycheck.execution import map_coarse

        outcomes = map_coarse(rule_issues, plan.corpus_rules, jobs)
    else:
        outcomes = [rule_issues(active) for active in plan.corpus_rules]
    for active, (ok, issues) in zip(plan.corpus_rules, outcomes):
        if not ok:
            result.errors.append(RunError(active.name, active.rule.origin, "<corpus>", None, issues))
            continue
        for issue in issues:
            owner = by_ref.get(issue.document) if issue.document else None
            if owner is None or owner.ref.path not in targets:
                continue
            result.findings.append(to_finding(active, owner.ref.path, owner.ref.record, owner.first_line, issue,
                                              record_line=owner.record_line))
    return result


def select_files(config: Config, registry: Registry, paths: Sequence[Path],
                 explicit: bool = False) -> tuple[list[Path], list[Path]]:
    """(targets, context): the files to check, and the other included files corpus rules see.

    No `paths` means everything `include:` names, unless `explicit` (then no file).
    """
    selector = FileSelector(config.root, config.include, config.exclude, registry.suffixes)
    if explicit and not paths:
        return [], []
    everything = selector.select([config.root])
    if not paths:
        return everything, []
    targets = selector.select(paths)
    chosen = {display_path(p) for p in targets}  # not resolve(): a symlink loop must not crash the run
    return targets, [p for p in everything if display_path(p) not in chosen]


def run(
    config: Config,
    registry: Registry,
    rules: Sequence[ActiveRule],
    paths: Sequence[Path] = (),
    as_of: Optional[dt.date] = None,
    exit_zero: bool = False,
    jobs: int = 1,
    cache: Optional["FindingsCache"] = None,
    progress: Optional[Callable[[int], None]] = None,
    files_found: Optional[Callable[[int], None]] = None,
    validate: bool = True,
    explicit: bool = False,
    use_index: bool = True,
    deferred: Optional[list] = None,
) -> Report:
    """Check `paths` (or what `include:` names) and return the Report.

    `jobs` worker processes check files in parallel; `cache` reuses the results
    of unchanged files; `files_found(total)` is told once how many files will be
    read (targets and context) and `progress(n)` each time n more are done.
    `explicit` means `paths` is the complete list of targets, even when empty.

    With `use_index`, `paths` given and an archive index (see
    `qualitycheck.index`), the archive is not walked: the context of corpus
    rules is the index's documents. Only the documents filed under keys the
    targets look up are loaded (and only their files checked against the
    disk: a changed file is re-read, a deleted one dropped); rules with
    `index_counts` get per-key document counts instead. The targets are then
    stored in the index (see `IndexView.learn`), so a file added since the last
    `index build|update` is context once a check has seen it; other added
    files are not until the next `index update`. Per-key counts are the
    index's (an archive file edited since counts as indexed unless another
    rule re-read it). With the index up to date, findings are those of a full
    run.

    `deferred` holds validations put off at start-up (see
    `config.run_deferred`): they run once the worker processes have
    started, and before anything a file's check gives is cached or reported.
    """
    from qualitycheck.config import deferred_checks_first, run_deferred
    from qualitycheck.execution import check_files, corpus_result_reusable
    from qualitycheck.suppressions import SuppressionPolicy

    with deferred_checks_first(deferred):  # a config problem is reported before what it caused
        plan = make_plan(config, registry, rules, as_of or dt.date.today(), validate, deferred)
        suppression = SuppressionPolicy.build(config, registry, plan)
        index_view = None
        if paths and use_index and plan.corpus_rules:
            from qualitycheck.index import open_view

            index_view = open_view(config, plan)
        if index_view is not None:  # the context comes from the index: the archive is not walked
            selector = FileSelector(config.root, config.include, config.exclude, registry.suffixes)
            targets = selector.select(paths)
            context: list[Path] = []
        else:
            targets, context = select_files(config, registry, paths, explicit)
            if not plan.corpus_rules:
                context = []
    items = [(path, display_path(path), True) for path in targets]
    items += [(path, display_path(path), False) for path in context]
    if files_found is not None:
        files_found(len(items))
    memo = {} if cache is not None and index_view is None and corpus_result_reusable(plan) else None
    results = check_files(plan, items, jobs=jobs, cache=cache, progress=progress, corpus_memo=memo,
                          first=lambda: run_deferred(deferred))
    run_deferred(deferred)  # when no file had to be checked
    target_names = {shown for _, shown, _ in items[: len(targets)]}
    collected = [doc for r in results for doc in r.collected]
    key_counts = None
    if index_view is not None:
        try:
            indexed = index_view.context(collected, [display_path(p, config.root) for p in targets])
        finally:
            index_view.close()  # its read transaction would keep `learn` from writing
        index_view.learn(list(zip(targets, results[: len(targets)])), selector.wants)
        changed = check_files(plan, [(path, display_path(path), False) for path in indexed.stale], jobs=jobs,
                              cache=cache)
        results += changed
        collected += [doc for r in changed for doc in r.collected] + indexed.documents
        key_counts = indexed.key_counts
    corpus = memo.get("result") if memo else None  # the same files as a cached run: its corpus result
    if corpus is None:
        corpus = run_corpus_rules(plan, collected, target_names, key_counts, jobs)
        if memo and memo.get("key") and not corpus.errors and cache is not None:
            cache.put_corpus(memo["key"], corpus)
    if cache is not None:
        cache.flush()
    target_results = results[: len(targets)]
    findings = [f for r in target_results for f in r.findings] + corpus.findings
    findings, suppression_summary = suppression.apply(findings, (s for r in target_results for s in r.suppressions))
    errors = [e for r in results for e in r.errors] + corpus.errors
    return Report(
        findings=findings,
        errors=errors,
        rules=[RuleInfo.of(a.rule, a.severity) for a in plan.rules],
        files=len(targets),
        documents=sum(r.documents for r in target_results),
        checked=[ref for r in target_results for ref in r.refs],
        fail_on=config.fail_on,
        exit_zero=exit_zero,
        extra_summary=suppression_summary,
    )
