"""Precision and recall of rules against a folder of hand-labeled articles.

A labeled folder holds articles (any format a loader reads) and a labels file,
`labels.yaml`, that lists every article with the findings a careful editor
expects in it::

    version: 1
    articles:
      - path: sport/derby-report.md          # relative to the folder, POSIX
        findings:
          - {rule: ad-text, lines: [1, 4], text: "Enjoy unlimited"}
          - {rule: broken-wrap, lines: [12, 15]}
      - path: wire/bulletin.jsonl
        record: w-102                        # JSONL: the record id; lines count inside the record's text
        findings: []                         # a clean article is listed too

`lines` are inclusive file lines for .txt/.md (front matter counts) and
record-text lines for JSONL, exactly as findings report them. `text` is
optional: the start of the first labeled line, so a label that drifted after
an edit is caught (`LabelSet.verify`).

Matching convention (`score`):

- a finding *overlaps* a label when both name the same document and rule and
  their line ranges share at least one line;
- findings and labels are paired one to one (a maximum matching over
  overlaps), so one block reported as two findings gives one false positive,
  and one finding spanning two labeled blocks finds only one of them;
- a label is also *found* when a finding's `related` location lies inside it
  (a "dead related link" reported at the promo line that points at the URL);
- precision = paired findings / findings; recall = found labels / labels.
  A finding in a document the labels file does not list is a false positive.

`evaluate(folder)` runs the real checker (config, plugins, runner) over the
folder and scores it; plugin authors can point it at their own labeled folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

from qualitycheck.records import record

LABELS_FILE = "labels.yaml"
LABELS_VERSION = 1


@record
class Label:
    """One expected finding: a rule and an inclusive line span of one document."""

    path: str
    record: Optional[str]
    rule: str
    line: int
    end_line: int
    text: str = ""

    @property
    def where(self) -> str:
        """`path:line` or `path#record:line`, as tables show it."""
        document = self.path if self.record is None else f"{self.path}#{self.record}"
        return f"{document}:{self.line}" if self.line == self.end_line else f"{document}:{self.line}-{self.end_line}"


@record
class LabeledArticle:
    """An article the labels file lists, with every finding expected in it (maybe none)."""

    path: str
    record: Optional[str]
    labels: tuple[Label, ...]


@record
class LabelSet:
    """The parsed labels file of a labeled folder."""

    folder: Path
    articles: tuple[LabeledArticle, ...]

    @property
    def labels(self) -> list[Label]:
        return [label for article in self.articles for label in article.labels]

    @property
    def rules(self) -> list[str]:
        """The rules the labels name, sorted."""
        return sorted({label.rule for label in self.labels})

    @classmethod
    def load(cls, folder: Path, labels_file: Optional[Path] = None) -> "LabelSet":
        """Read `folder/labels.yaml` (or `labels_file`); raise ValueError naming the bad entry."""
        import yaml

        folder = Path(folder)
        source = Path(labels_file) if labels_file else folder / LABELS_FILE
        data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        if data.get("version") != LABELS_VERSION:
            raise ValueError(f"{source}: version must be {LABELS_VERSION}")
        articles = []
        seen = set()
        for index, entry in enumerate(data.get("articles") or []):
            where = f"{source}: articles[{index}]"
            path = entry.get("path")
            if not isinstance(path, str) or not path:
                raise ValueError(f"{where}: needs a path")
            record = entry.get("record")
            record = None if record is None else str(record)
            if (path, record) in seen:
                raise ValueError(f"{where}: {path} {record or ''} is listed twice")
            seen.add((path, record))
            labels = []
            for number, item in enumerate(entry.get("findings") or []):
                lines = item.get("lines")
                if (not isinstance(item.get("rule"), str) or not isinstance(lines, list) or len(lines) != 2
                        or not all(isinstance(n, int) and n >= 1 for n in lines) or lines[0] > lines[1]):
                    raise ValueError(f"{where}.findings[{number}]: needs rule and lines: [first, last]")
                labels.append(Label(path, record, item["rule"], lines[0], lines[1], str(item.get("text") or "")))
            articles.append(LabeledArticle(path, record, tuple(labels)))
        return cls(folder, tuple(articles))

    def verify(self, documents: Mapping[tuple[str, Optional[str]], Sequence[str]]) -> list[str]:
        """Problems with the labels against the documents' lines (keyed by (path, record)).

        Catches labels past the end of their document, labels whose `text` no
        longer starts their first line, and documents the labels file misses.
        """
        problems = []
        listed = {(a.path, a.record) for a in self.articles}
        for key in sorted(set(documents) - listed, key=lambda k: (k[0], k[1] or "")):
            problems.append(f"{key[0]}{'#' + key[1] if key[1] else ''}: not listed in the labels file")
        for key in sorted(listed - set(documents), key=lambda k: (k[0], k[1] or "")):
            problems.append(f"{key[0]}{'#' + key[1] if key[1] else ''}: listed but not found in the folder")
        for label in self.labels:
            lines = documents.get((label.path, label.record))
            if lines is None:
                continue
            if label.end_line > len(lines):
                problems.append(f"{label.where}: {label.rule} label ends after the last line ({len(lines)})")
            elif label.text and not lines[label.line - 1].strip().startswith(label.text):
                problems.append(f"{label.where}: {label.rule} label expects {label.text!r}, "
                                f"line reads {lines[label.line - 1].strip()[:60]!r}")
        return problems


@record
class Hit:
    """A finding reduced to what matching needs (from a Finding or a JSON report entry)."""

    path: str
    record: Optional[str]
    rule: str
    line: int
    end_line: int
    message: str = ""
    related: tuple[tuple[str, Optional[str], Optional[int]], ...] = ()

    @property
    def where(self) -> str:
        document = self.path if self.record is None else f"{self.path}#{self.record}"
        return f"{document}:{self.line}" if self.line == self.end_line else f"{document}:{self.line}-{self.end_line}"

    @classmethod
    def of(cls, finding: Any, relative_to: Optional[Path] = None) -> "Hit":
        """From a `Finding` or a finding dict; paths made relative to `relative_to` when given."""
        get = finding.get if isinstance(finding, Mapping) else (lambda key: getattr(finding, key))
        related = []
        for item in get("related") or ():
            rget = item.get if isinstance(item, Mapping) else (lambda key, item=item: getattr(item, key))
            related.append((_relative(rget("path"), relative_to), rget("record"), rget("line")))
        return cls(_relative(get("path"), relative_to), get("record"), get("rule"), get("line"),
                   get("end_line") or get("line"), get("message") or "", tuple(related))


def _relative(path: str, folder: Optional[Path]) -> str:
    if folder is None:
        return path
    try:
        return Path(path).resolve().relative_to(Path(folder).resolve()).as_posix()
    except ValueError:
        return path


@record(frozen=False)
class RuleScore:
    """How one rule did against the labels."""

    rule: str
    labels: int = 0
    findings: int = 0
    matched: int = 0
    found: int = 0
    false_positives: list[Hit] = field(default_factory=list)
    false_negatives: list[Label] = field(default_factory=list)

    @property
    def precision(self) -> Optional[float]:
        """Paired findings / findings; None when the rule reported nothing."""
        return self.matched / self.findings if self.findings else None

    @property
    def recall(self) -> Optional[float]:
        """Found labels / labels; None when nothing is labeled for the rule."""
        return self.found / self.labels if self.labels else None


def _overlaps(hit: Hit, label: Label) -> bool:
    return hit.line <= label.end_line and label.line <= hit.end_line


def _points_into(hit: Hit, label: Label) -> bool:
    return any(path == label.path and record == label.record and line is not None
               and label.line <= line <= label.end_line for path, record, line in hit.related)


def _max_matching(hits: Sequence[Hit], labels: Sequence[Label]) -> dict[int, int]:
    """Pair hits with overlapping labels one to one, as many pairs as possible: {hit index: label index}."""
    edges = [[j for j, label in enumerate(labels) if _overlaps(hit, label)] for hit in hits]
    owner: dict[int, int] = {}  # label index -> hit index

    def augment(i: int, visited: set[int]) -> bool:
        for j in edges[i]:
            if j in visited:
                continue
            visited.add(j)
            if j not in owner or augment(owner[j], visited):
                owner[j] = i
                return True
        return False

    for i in range(len(hits)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def score(findings: Iterable[Any], label_set: LabelSet, rules: Optional[Sequence[str]] = None,
          relative_to: Optional[Path] = None) -> dict[str, RuleScore]:
    """Score findings (Finding objects or report dicts) against the labels, per rule.

    `rules` defaults to the rules the labels name; findings of other rules are
    ignored. Paths are taken relative to `relative_to` (default: as given).
    """
    names = list(rules) if rules is not None else label_set.rules
    hits = [Hit.of(f, relative_to) for f in findings]
    scores = {}
    for rule in names:
        result = RuleScore(rule)
        by_document: dict[tuple[str, Optional[str]], tuple[list[Hit], list[Label]]] = {}
        for hit in hits:
            if hit.rule == rule:
                by_document.setdefault((hit.path, hit.record), ([], []))[0].append(hit)
        for label in label_set.labels:
            if label.rule == rule:
                by_document.setdefault((label.path, label.record), ([], []))[1].append(label)
        for key in sorted(by_document, key=lambda k: (k[0], k[1] or "")):
            doc_hits, doc_labels = by_document[key]
            doc_hits.sort(key=lambda h: (h.line, h.end_line))
            doc_labels.sort(key=lambda lab: (lab.line, lab.end_line))
            pairs = _max_matching(doc_hits, doc_labels)
            paired_labels = set(pairs.values())
            result.findings += len(doc_hits)
            result.labels += len(doc_labels)
            result.matched += len(pairs)
            result.false_positives += [h for i, h in enumerate(doc_hits) if i not in pairs]
            for j, label in enumerate(doc_labels):
                if j in paired_labels or any(_points_into(h, label) for h in doc_hits):
                    result.found += 1
                else:
                    result.false_negatives.append(label)
        scores[rule] = result
    return scores


@record(frozen=False)
class Evaluation:
    """The outcome of `evaluate`: scores per rule, plus what could not be scored."""

    scores: dict[str, RuleScore]
    missing_rules: list[str]
    report: Any
    label_problems: list[str]

    def table(self, details: bool = True) -> str:
        return format_table(self.scores, details=details, missing=self.missing_rules)


def _ratio(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_table(scores: Mapping[str, RuleScore], details: bool = True, missing: Sequence[str] = ()) -> str:
    """A Markdown table of labels, findings, TP/FP/FN, precision and recall per rule.

    With `details`, every false positive (finding, message) and false negative
    (label) follows, as `path:line` an editor can open.
    """
    rows = ["| rule | labels | findings | TP | FP | FN | precision | recall |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in sorted(scores):
        s = scores[name]
        rows.append(f"| {name} | {s.labels} | {s.findings} | {s.matched} | {len(s.false_positives)} | "
                    f"{len(s.false_negatives)} | {_ratio(s.precision)} | {_ratio(s.recall)} |")
    for name in missing:
        rows.append(f"| {name} | - | - | - | - | - | not registered | not registered |")
    lines = ["\n".join(rows)]
    if details:
        for name in sorted(scores):
            s = scores[name]
            for hit in s.false_positives:
                lines.append(f"FP {name}: {hit.where}: {hit.message}")
            for label in s.false_negatives:
                lines.append(f"FN {name}: {label.where}: missed{' ' + repr(label.text) if label.text else ''}")
    return "\n".join(lines) + "\n"


def evaluate(folder: Path, labels_file: Optional[Path] = None, rules: Optional[Sequence[str]] = None,
             as_of: Optional[dt.date] = None, config: Optional[Path] = None) -> Evaluation:
    """Run the checker over `folder` with the real config, plugins and runner, and score it.

    `config` is a rules.yaml to use (default: every registered rule with its
    defaults, the folder as the corpus). `rules` limits the scoring (default:
    the rules the labels name); rules that are not registered are listed in
    `missing_rules` instead of failing the run. `as_of` fixes "today".
    """
    from qualitycheck.config import Config, load_config
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import run

    folder = Path(folder).resolve()
    label_set = LabelSet.load(folder, labels_file)
    wanted = list(rules) if rules is not None else label_set.rules
    configuration = load_config(Path(config)) if config else Config(root=folder)
    registry = load_registry(configuration)
    missing = [name for name in wanted if registry.rule_named(name) is None]
    present = [registry.rule_named(name).name for name in wanted if name not in missing]
    active = build_ruleset(configuration, registry, select=[",".join(present)]) if present else []
    report = run(configuration, registry, active, [folder], as_of=as_of)
    scores = score(report.findings, label_set, present, relative_to=folder)
    problems = label_set.verify(_document_lines(folder, registry, configuration))
    return Evaluation(scores, missing, report, problems)


def _document_lines(folder: Path, registry: Any, configuration: Any) -> dict[tuple[str, Optional[str]], list[str]]:
    """Every document of the folder as the labels address it: (path, record) -> lines."""
    from qualitycheck.discovery import FileSelector
    from qualitycheck.model import Document
    from qualitycheck.ruleset import with_defaults

    selector = FileSelector(folder, ("**/*",), (), registry.suffixes)
    documents = {}
    for path in selector.select([folder]):
        loader = registry.loader_for(path)
        options = with_defaults(loader.options_schema, dict(configuration.inputs.get(loader.name) or {}))
        relative = path.resolve().relative_to(folder).as_posix()
        file_lines = None
        for item in loader.load(path, relative, options):
            if not isinstance(item, Document):
                continue
            if item.record is None:
                if file_lines is None:
                    file_lines = path.read_text(encoding="utf-8").splitlines()
                documents[(relative, None)] = file_lines
            else:
                documents[(relative, item.record)] = item.lines
    return documents
