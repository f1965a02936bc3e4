"""Helpers for testing rules in a plugin's own pytest suite (public API, see docs/plugins.md).

- `check_rule(rule, text)` runs one rule on a text and returns the `Finding`s
  a report would show (file lines, front matter counted);
- `check_corpus(rule, {path: text})` does the same for a corpus rule;
- `assert_expected(rule, fixture)` compares findings with inline expectations
  written in a fixture article (`<!-- expect: rule-name -->`);
- `score_rule(rule, folder)` gives precision and recall on a labeled folder
  (the `labels.yaml` format of `qualitycheck.evaluation`).

Unlike a real run, a rule that raises lets the exception through, so the
test shows its traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from qualitycheck.model import CorpusEntry, Document, Finding, Rule, RuleContext, Severity
from qualitycheck.records import record

__all__ = ["Expectation", "assert_expected", "check_corpus", "check_rule", "parse_expectations", "score_rule"]

AS_OF = dt.date(2024, 1, 1)  # a fixed "today", so date rules give the same findings every day

_HTML_EXPECT = re.compile(r"[ \t]*<!--\s*expect:\s*(?P<items>.*?)\s*-->")
_YAML_EXPECT = re.compile(r"[ \t]*#\s*expect:\s*(?P<items>[^#]*?)\s*$")
_ITEM = re.compile(r"^(?P<rule>[A-Za-z][\w-]*)(?::(?P<column>\d+))?$")

ArticleSource = Union[str, tuple[str, Mapping[str, Any]], Document]


def check_rule(
    rule: Rule,
    text: str,
    metadata: Optional[Mapping[str, Any]] = None,
    options: Optional[Mapping[str, Any]] = None,
    as_of: Optional[dt.date] = None,
    path: str = "article.md",
) -> list[Finding]:
    """The findings `rule` reports on `text`, sorted as in a report.

    A YAML front matter block at the top of `text` becomes the metadata (and
    counts in line numbers) unless `metadata` is given. `options` are checked
    against the rule's options schema and its defaults filled in. A corpus
    rule sees a corpus of this one article.
    """
    if rule.scope == "corpus":
        return check_corpus(rule, {path: (text, metadata) if metadata is not None else text},
                            options=options, as_of=as_of)
    document = make_document(text, metadata, path)
    context = _context(rule, options, as_of)
    active = _active(rule, context)
    from qualitycheck.runner import to_finding

    findings = [to_finding(active, document.path, document.record, document.first_line, issue, document)
                for issue in rule.check(document, context)]
    return sorted(findings, key=lambda f: f.sort_key)


def check_corpus(
    rule: Rule,
    articles: Mapping[str, ArticleSource],
    targets: Optional[Iterable[str]] = None,
    options: Optional[Mapping[str, Any]] = None,
    as_of: Optional[dt.date] = None,
) -> list[Finding]:
    """The findings a corpus rule reports on `articles` ({path: text, (text, metadata) or Document}).

    Only findings about `targets` (default: every article) are kept, as a run
    keeps only those about the files being checked. What `collect` returns
    goes through pickle first, as in a run (it crosses from worker processes
    and is stored in the cache), so data that cannot be pickled fails here
    with a TypeError naming the article.
    """
    if rule.scope != "corpus" or rule.collect is None:
        raise TypeError(f"rule {rule.name!r} is a document rule; use check_rule")
    context = _context(rule, options, as_of)
    wanted = set(articles if targets is None else targets)
    documents = {}
    for path, source in articles.items():
        if isinstance(source, Document):
            documents[path] = source
            continue
        text, metadata = (source, None) if isinstance(source, str) else source
        documents[path] = make_document(text, metadata, path)
    entries = [CorpusEntry(doc.ref, doc.metadata, _as_sent(rule, doc, rule.collect(doc, context)), key in wanted)
               for key, doc in documents.items()]
    from qualitycheck.runner import to_finding

    active = _active(rule, context)
    by_ref = {doc.ref: doc for doc in documents.values()}
    findings = []
    for issue in rule.check(entries, context):
        doc = by_ref.get(issue.document) if issue.document is not None else None
        if doc is None:
            raise AssertionError(f"rule {rule.name!r} reported an issue without a known `document`: {issue}")
        if doc.path in wanted or str(doc.ref) in wanted:
            findings.append(to_finding(active, doc.path, doc.record, doc.first_line, issue))  # as a run does
    return sorted(findings, key=lambda f: f.sort_key)


def _as_sent(rule: Rule, document: Document, data: Any) -> Any:
    """`data` after a pickle round trip, as corpus rules get it in a run."""
    import pickle

    try:
        return pickle.loads(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:  # noqa: BLE001 - whatever pickle raises, say which rule and article
        raise TypeError(f"rule {rule.name!r}: what collect returned for {document.path} cannot be pickled "
                        f"({type(exc).__name__}: {exc}); a run passes it between processes and stores it in "
                        f"the cache") from exc


def make_document(text: str, metadata: Optional[Mapping[str, Any]] = None, path: str = "article.md") -> Document:
    """A Document as the Markdown loader makes it: front matter split off unless `metadata` is given."""
    if metadata is not None:
        return Document(path=path, text=text, metadata=dict(metadata), format=_format(path))
    from qualitycheck.reading import split_front_matter

    parts = split_front_matter(text)
    if parts.problem is not None:
        raise ValueError(f"{path}:{parts.problem.line}: {parts.problem.message}")
    return Document(path=path, text=parts.body, metadata=parts.metadata, format=_format(path),
                    first_line=parts.body_first_line, front_matter=parts.raw)


def _format(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return "md" if suffix in ("md", "markdown") else (suffix or "txt")


def _context(rule: Rule, options: Optional[Mapping[str, Any]], as_of: Optional[dt.date]) -> RuleContext:
    import jsonschema

    from qualitycheck.ruleset import with_defaults

    given = dict(options or {})
    errors = sorted(jsonschema.Draft202012Validator(rule.options_schema).iter_errors(given), key=str)
    if errors:
        raise ValueError(f"options for rule {rule.name!r}: " + "; ".join(
            f"{'.'.join(map(str, e.absolute_path)) or '<options>'}: {e.message}" for e in errors))
    return RuleContext(options=with_defaults(rule.options_schema, given), as_of=as_of or AS_OF)


def _active(rule: Rule, context: RuleContext) -> Any:
    from qualitycheck.ruleset import ActiveRule

    return ActiveRule(rule, rule.default_severity or Severity.WARNING, context.options)


# --- inline expectations ------------------------------------------------------------------------------

@record
class Expectation:
    """A finding a fixture expects: rule name, file line, and optionally the column."""

    rule: str
    line: int
    column: Optional[int] = None

    def __str__(self) -> str:
        return f"line {self.line}" + (f", column {self.column}" if self.column else "") + f": {self.rule}"


def parse_expectations(text: str) -> tuple[str, list[Expectation]]:
    """(`text` with the markers removed, the expectations they state).

    In the body, `<!-- expect: rule-a, rule-b:12 -->` anywhere on a line says
    a finding of `rule-a` starts on that line (and one of `rule-b` at column
    12). In front matter the YAML comment `# expect: metadata` does the same.
    Markers are removed with the spaces before them, so rules see the article
    as it would be without them and line numbers stay the same.
    """
    lines = text.split("\n")
    expectations = []
    in_front_matter = bool(lines) and lines[0].rstrip() == "---"
    for number, line in enumerate(lines, start=1):
        if in_front_matter and number > 1 and line.rstrip() in ("---", "..."):
            in_front_matter = False
            continue
        marker = _YAML_EXPECT if in_front_matter and number > 1 else _HTML_EXPECT
        for match in marker.finditer(line):
            for item in filter(None, (part.strip() for part in match.group("items").split(","))):
                parsed = _ITEM.match(item)
                if not parsed:
                    raise ValueError(f"line {number}: cannot read expectation {item!r}; write 'rule-name' or "
                                     f"'rule-name:COLUMN'")
                column = parsed.group("column")
                expectations.append(Expectation(parsed.group("rule"), number, int(column) if column else None))
        lines[number - 1] = marker.sub("", line)
    return "\n".join(lines), expectations


def assert_expected(
    rules: Union[Rule, Sequence[Rule]],
    fixture: Union[str, Path],
    options: Optional[Mapping[str, Any]] = None,
    as_of: Optional[dt.date] = None,
) -> list[Finding]:
    """Check that `rules` report exactly what the fixture's `expect:` markers say, and return the findings.

    `fixture` is an article (.md or .txt) or, for corpus rules, a folder of
    them (each one's markers apply to it). Every finding of the given rules
    must be expected, and every expectation naming one of them met; markers
    naming other rules are ignored, so one fixture can serve several rules.
    `options` apply to every rule.
    """
    rules = [rules] if isinstance(rules, Rule) else list(rules)
    fixture = Path(fixture)
    files = sorted(p for p in fixture.rglob("*") if p.suffix in (".md", ".markdown", ".txt")) \
        if fixture.is_dir() else [fixture]
    sources, expected = {}, []
    for file in files:
        name = file.relative_to(fixture).as_posix() if fixture.is_dir() else file.name
        clean, found = parse_expectations(file.read_text(encoding="utf-8"))
        sources[name] = clean
        expected += [(name, e) for e in found]
    names = {rule.name for rule in rules}
    findings: list[Finding] = []
    for rule in rules:
        if rule.scope == "corpus":
            findings += check_corpus(rule, sources, options=options, as_of=as_of)
        else:
            for name, text in sources.items():
                findings += check_rule(rule, text, options=options, as_of=as_of, path=name)
    findings.sort(key=lambda f: f.sort_key)
    wanted = [(name, e) for name, e in expected if e.rule in names]
    unmet = []
    remaining = list(findings)
    for name, expectation in wanted:
        for finding in remaining:
            if (finding.path, finding.rule, finding.line) == (name, expectation.rule, expectation.line) and \
                    expectation.column in (None, finding.column):
                remaining.remove(finding)
                break
        else:
            unmet.append(f"  {name}: {expectation}")
    unexpected = [f"  {f.path}: line {f.line}, column {f.column}: {f.rule}: {f.message}" for f in remaining]
    if unmet or unexpected:
        parts = []
        if unmet:
            parts += ["expected but not reported:"] + unmet
        if unexpected:
            parts += ["reported but not expected:"] + unexpected
        raise AssertionError("\n".join(parts))
    return findings


# --- labeled folders ------------------------------------------------------------------------------

def score_rule(rule: Rule, folder: Union[str, Path], options: Optional[Mapping[str, Any]] = None,
               as_of: Optional[dt.date] = None) -> Any:
    """Precision and recall of `rule` on a labeled folder (`labels.yaml`, see `qualitycheck.evaluation`).

    Returns an `evaluation.RuleScore` (`.precision`, `.recall`, `.false_positives`,
    `.false_negatives`). The folder's articles are read by the built-in loaders.
    """
    from qualitycheck.config import Config
    from qualitycheck.evaluation import LabelSet, score
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import with_defaults

    folder = Path(folder).resolve()
    labels = LabelSet.load(folder)
    registry = load_registry(Config(root=folder), load_entry_points=False)
    articles: dict[str, ArticleSource] = {}
    findings: list[Finding] = []
    for article in labels.articles:
        path = folder / article.path
        loader = registry.loader_for(path)
        if loader is None:
            raise ValueError(f"{article.path}: no built-in loader reads this file")
        for item in loader.load(path, article.path, with_defaults(loader.options_schema, {})):
            if not isinstance(item, Document) or item.record != article.record:
                continue
            if rule.scope == "corpus":
                articles[article.path if item.record is None else f"{article.path}#{item.record}"] = item
            else:
                context = _context(rule, options, as_of)
                from qualitycheck.runner import to_finding

                findings += [to_finding(_active(rule, context), item.path, item.record, item.first_line, issue, item)
                             for issue in rule.check(item, context)]
    if rule.scope == "corpus":
        findings = check_corpus(rule, articles, options=options, as_of=as_of)
    return score(findings, labels, [rule.name])[rule.name]
