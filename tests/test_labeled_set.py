"""Precision and recall of the five single-article rules on the project's labeled set.

tests/labeled/ holds articles written for the project in all three formats,
with every kind of debris in varied wording and traps that must stay quiet
(verse, lists, tables, quotes urging readers, citation URLs, same-day URLs,
story uses of trigger words). labels.yaml lists every expected finding; the
matching convention is in qualitycheck.evaluation. Each rule must reach
precision and recall of at least 0.9; on failure the message lists every
false positive and false negative as path:line.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from labeled_scoring import AS_OF, RULES, assert_enough_articles, assert_rule_scores, evaluation_fixture

from qualitycheck.cli import main
from qualitycheck.evaluation import LabelSet, score

LABELED = Path(__file__).resolve().parent / "labeled"

evaluation = evaluation_fixture(LABELED)


def test_labeled_set_has_enough_articles_in_every_format(evaluation):
    assert_enough_articles(LABELED, evaluation)


def test_every_rule_has_enough_labels_to_measure():
    per_rule = Counter(label.rule for label in LabelSet.load(LABELED).labels)
    assert {rule: per_rule[rule] >= 9 for rule in RULES} == {rule: True for rule in RULES}, per_rule
    clean = [a for a in LabelSet.load(LABELED).articles if not a.labels]
    assert len(clean) >= 8


def test_labels_point_at_the_lines_they_describe(evaluation):
    assert evaluation.label_problems == []


def test_the_labeled_set_reads_without_input_findings(evaluation):
    rules = {f.rule for f in evaluation.report.findings} - set(RULES)
    assert rules == set() and evaluation.report.errors == []


@pytest.mark.parametrize("rule", RULES)
def test_rule_precision_and_recall(evaluation, rule):
    assert_rule_scores(evaluation, rule)


def test_cli_json_report_scores_like_the_runner(evaluation, tmp_path, report_validator):
    """The same scores from `qualitycheck check --format json` as from the library call."""
    out = tmp_path / "report.json"
    code = main(["check", str(LABELED), "--select", ",".join(RULES), "--as-of", AS_OF.isoformat(),
                 "--format", "json", "--output", str(out), "--exit-zero"])
    assert code == 0
    report = report_validator(json.loads(out.read_text(encoding="utf-8")))
    from_json = score(report["findings"], LabelSet.load(LABELED), list(RULES), relative_to=LABELED)
    from_runner = evaluation.scores
    assert {r: (s.matched, len(s.false_positives), len(s.false_negatives)) for r, s in from_json.items()} == \
        {r: (s.matched, len(s.false_positives), len(s.false_negatives)) for r, s in from_runner.items()}
