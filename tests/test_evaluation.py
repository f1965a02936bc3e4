"""The matching convention of qualitycheck.evaluation, on hand-made findings and labels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qualitycheck.evaluation import LabelSet, evaluate, format_table, score


def _labels(tmp_path: Path, text: str) -> LabelSet:
    (tmp_path / "labels.yaml").write_text(text, encoding="utf-8")
    return LabelSet.load(tmp_path)


def _finding(line, end_line, rule="ad-text", path="a.md", record=None, related=()):
    return {"rule": rule, "path": path, "record": record, "line": line, "end_line": end_line, "message": "m",
            "related": [{"path": p, "record": r, "line": n} for p, r, n in related]}


LABELS = """\
version: 1
articles:
  - path: a.md
    findings:
      - {rule: ad-text, lines: [1, 4]}
      - {rule: ad-text, lines: [30, 33]}
      - {rule: related-article, lines: [10, 10]}
      - {rule: related-article, lines: [20, 21]}
  - path: b.jsonl
    record: r-1
    findings: []
"""


def test_overlap_pairs_one_to_one_so_a_split_block_costs_precision(tmp_path):
    labels = _labels(tmp_path, LABELS)
    result = score([_finding(1, 2), _finding(3, 4), _finding(30, 30)], labels, ["ad-text"])["ad-text"]
    assert (result.findings, result.matched, result.found, result.labels) == (3, 2, 2, 2)
    assert [h.where for h in result.false_positives] == ["a.md:3-4"]
    assert result.precision == pytest.approx(2 / 3) and result.recall == 1.0


def test_one_finding_over_two_blocks_finds_only_one(tmp_path):
    result = score([_finding(1, 33)], _labels(tmp_path, LABELS), ["ad-text"])["ad-text"]
    assert (result.matched, result.found) == (1, 1)
    assert [label.where for label in result.false_negatives] == ["a.md:30-33"]


def test_related_location_finds_the_label_it_points_into(tmp_path):
    promo = _finding(10, 10, rule="related-article", related=[("a.md", None, 21)])
    result = score([promo], _labels(tmp_path, LABELS), ["related-article"])["related-article"]
    assert (result.precision, result.recall, result.false_negatives) == (1.0, 1.0, [])


def test_findings_in_clean_or_unlisted_documents_are_false_positives(tmp_path):
    findings = [_finding(2, 2, path="b.jsonl", record="r-1"), _finding(1, 1, path="c.txt")]
    result = score(findings, _labels(tmp_path, LABELS), ["ad-text"])["ad-text"]
    assert [h.where for h in result.false_positives] == ["b.jsonl#r-1:2", "c.txt:1"]
    table = format_table({"ad-text": result})
    assert "| ad-text | 2 | 2 | 0 | 2 | 2 | 0.000 | 0.000 |" in table
    assert "FP ad-text: b.jsonl#r-1:2: m" in table and "FN ad-text: a.md:1-4: missed" in table


def test_bad_label_entry_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"articles\[0\]\.findings\[0\]: needs rule and lines"):
        _labels(tmp_path, "version: 1\narticles:\n  - path: a.md\n    findings:\n      - {rule: ad-text, lines: [4, 2]}\n")


def test_evaluate_runs_a_local_plugin_rule_and_checks_the_labels(tmp_path):
    """What a plugin author does: a folder, labels, a rules.yaml that loads the plugin."""
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "one.txt").write_text("The council met.\nPage 2 of 4\nIt voted.\n", encoding="utf-8")
    (folder / "two.txt").write_text("A clean story about page 2 of the report.\n", encoding="utf-8")
    (folder / "labels.yaml").write_text(
        "version: 1\narticles:\n  - path: one.txt\n    findings:\n      - {rule: page-marker, lines: [2, 2], "
        "text: Page 2}\n  - path: two.txt\n    findings: []\n  - path: gone.txt\n    findings: []\n",
        encoding="utf-8")
    plugin = Path(__file__).resolve().parent.parent / "plugins" / "page_marker.py"
    config = tmp_path / "rules.yaml"
    config.write_text(f"version: 1\nplugins: ['{plugin.as_posix()}']\n", encoding="utf-8")
    result = evaluate(folder, config=config, as_of=dt.date(2024, 1, 1))
    assert result.missing_rules == []
    assert (result.scores["page-marker"].precision, result.scores["page-marker"].recall) == (1.0, 1.0)
    assert result.label_problems == ["gone.txt: listed but not found in the folder"]
    missing = evaluate(folder, rules=["no-such-rule"], as_of=dt.date(2024, 1, 1))
    assert missing.missing_rules == ["no-such-rule"] and missing.scores == {}
