"""Precision and recall of the five single-article rules on the probe article sets.

tests/probes/ holds three small sets (a/, b/, c/), each written apart from the
rules and from each other, after tests/labeled/ and tests/heldout/ scored
perfectly: British and Irish print editions, US metro dailies and wire feeds,
Indian, Kenyan, Australian and Canadian outlets. They found what those sets
had not (button rows, ad-blocker requests, desk promos, newspaper-column
wraps, /202306/ URL folders) and keep it found; traps include stories about
paywalls and pop-ups, verse, recipes and one-sentence-per-line text. The same
scoring and threshold as the labeled set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from labeled_scoring import RULES, assert_enough_articles, assert_rule_scores, evaluation_fixture

from qualitycheck.evaluation import LabelSet

PROBES = Path(__file__).resolve().parent / "probes"

evaluation = evaluation_fixture(PROBES)


def test_probe_sets_cover_every_format_and_rule(evaluation):
    assert_enough_articles(PROBES, evaluation)
    assert set(LabelSet.load(PROBES).rules) == set(RULES)
    assert evaluation.label_problems == []
    assert {f.rule for f in evaluation.report.findings} <= set(RULES) and evaluation.report.errors == []


@pytest.mark.parametrize("rule", RULES)
def test_rule_precision_and_recall_on_the_probe_sets(evaluation, rule):
    assert_rule_scores(evaluation, rule)
