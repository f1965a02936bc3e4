"""Baselines: adopt the gate on an archive that already has findings.

`qualitycheck baseline write FILE [PATH ...]` records today's findings;
`qualitycheck check --baseline FILE` then reports (and fails on) only the
findings that are not in it. The matched ones are counted in the report's
summary (`baselined`), not silently dropped.

An entry is keyed by rule, path (relative to the baseline file, so the file
works from any working directory), record, and a fingerprint of the flagged
text (whitespace collapsed), never line numbers: editing lines above a finding
does not make it new. Entries carry a count, so when a file holds the same
finding twice and the baseline only once, one of them is new. Rewriting the
baseline drops the findings that were fixed. The file is sorted JSON, written
atomically, so it diffs well in review.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Optional

from qualitycheck.errors import UserError
from qualitycheck.model import Finding
from qualitycheck.paths import display_path
from qualitycheck.records import record
from qualitycheck.report import EXIT_CLEAN, EXIT_ERROR, Report

BASELINE_VERSION = 1
EXCERPT_LIMIT = 80

Key = tuple[str, str, Optional[str], str]  # rule, path relative to the baseline, record, fingerprint


def text_fingerprint(finding: Finding) -> str:
    """16 hex digits of the rule and the flagged text: the same wherever the text moves in its file."""
    from qualitycheck.fingerprint import flagged_text

    return hashlib.sha256(f"{finding.rule}\0{flagged_text(finding)}".encode("utf-8")).hexdigest()[:16]


@record
class Baseline:
    """The findings a baseline file accepts, with how many of each."""

    path: Path
    counts: Counter  # Key -> count

    @property
    def anchor(self) -> Path:
        return self.path.resolve().parent

    def key(self, finding: Finding) -> Key:
        return (finding.rule, display_path(finding.path, self.anchor), finding.record, text_fingerprint(finding))

    def apply(self, report: Report) -> Report:
        """The report without the findings this baseline accepts; they are counted in the summary."""
        left = Counter(self.counts)
        kept: list[Finding] = []
        matched: Counter[str] = Counter()
        for finding in report.findings:  # sorted, so which duplicate counts as new is stable
            key = self.key(finding)
            if left[key] > 0:
                left[key] -= 1
                matched[finding.rule] += 1
            else:
                kept.append(finding)
        summary = dict(report.extra_summary)
        summary.update(baselined=sum(matched.values()), baselined_by_rule=dict(sorted(matched.items())))
        return replace(report, findings=kept, extra_summary=summary)


def baseline_json(findings: Iterable[Finding], path: Path) -> str:
    """The baseline file's text for `findings`: sorted entries with counts, one JSON document."""
    anchor = Baseline(path, Counter())
    counts: Counter = Counter()
    excerpts: dict[Key, str] = {}
    for finding in findings:
        key = anchor.key(finding)
        counts[key] += 1
        excerpt = " ".join(finding.excerpt.split()) or " ".join(finding.message.split())
        excerpts.setdefault(key, excerpt if len(excerpt) <= EXCERPT_LIMIT else excerpt[:EXCERPT_LIMIT - 1] + "…")
    entries = []
    for key in sorted(counts, key=lambda k: (k[1], k[2] or "", k[0], k[3])):
        rule, where, record, fingerprint = key
        entries.append({"path": where, "record": record, "rule": rule, "fingerprint": fingerprint,
                        "count": counts[key], "excerpt": excerpts[key]})
    document = {"version": BASELINE_VERSION, "tool": "qualitycheck", "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; anything wrong with it is a one-line UserError naming the file."""
    shown = display_path(path)
    remedy = f"write it with `qualitycheck baseline write {shown}`"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{shown}: baseline file not found; {remedy}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{shown}: cannot read baseline file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{shown}:{exc.lineno}:{exc.colno}: baseline is not valid JSON ({exc.msg}); "
                        f"{remedy}") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(
            data.get("findings"), list):
        raise UserError(f"{shown}: not a qualitycheck baseline of version {BASELINE_VERSION}; {remedy}")
    counts: Counter = Counter()
    for number, entry in enumerate(data["findings"]):
        try:
            key = (entry["rule"], entry["path"], entry["record"], entry["fingerprint"])
            count = int(entry.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise UserError(f"{shown}: findings[{number}] needs rule, path, record, fingerprint and count; "
                            f"{remedy}") from None
        counts[key] += count
    return Baseline(Path(path), counts)


def add_parser(commands) -> None:
    """`qualitycheck baseline write FILE [PATH ...]`."""
    from qualitycheck.cli import add_rule_arguments

    baseline = commands.add_parser("baseline", help="record today's findings so that checks report only new ones",
                                   description="Adopt qualitycheck on an archive that already has findings.")
    actions = baseline.add_subparsers(dest="baseline_action", metavar="ACTION")
    actions.required = True
    write = actions.add_parser(
        "write", help="write FILE with the findings of PATH (default: what `include:` names)",
        description="Write FILE with today's findings; `check --baseline FILE` then reports only new ones. "
                    "Rewrite it to drop findings that were fixed.")
    write.add_argument("file", type=Path, metavar="FILE")
    write.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    write.add_argument("--config", type=Path, metavar="FILE", help="rules.yaml to use (default: the nearest one)")
    add_rule_arguments(write)
    write.set_defaults(handler=command_write)


def command_write(args: argparse.Namespace) -> int:
    """Run the check and write every finding it reports to the baseline file."""
    from qualitycheck.atomicio import write_atomic
    from qualitycheck.cli import _load
    from qualitycheck.execution import default_jobs
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import run

    config, registry = _load(args.config)
    rules = build_ruleset(config, registry, args.select, args.ignore)
    report = run(config, registry, rules, args.paths, as_of=args.as_of, jobs=default_jobs())
    if report.errors:
        for error in report.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"error: {display_path(args.file)} not written: a rule crashed, so the findings are incomplete",
              file=sys.stderr)
        return EXIT_ERROR
    write_atomic(args.file, baseline_json(report.findings, args.file))
    files = len({f.path for f in report.findings})
    print(f"Wrote {len(report.findings)} finding{'' if len(report.findings) == 1 else 's'} "
          f"in {files} file{'' if files == 1 else 's'} to {display_path(args.file)}.")
    return EXIT_CLEAN
