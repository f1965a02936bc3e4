"""Precision and recall of the five single-article rules on the held-out article set.

tests/heldout/ was written apart from tests/labeled/ (whose wording the
rules were developed against) to measure how the rules generalize: other
outlets' conventions (wire services, local weeklies, trade press, a student
paper, a science magazine, a newsletter, a government release), other
wording of every kind of debris, and other traps (a charity appeal reported
as news, a gardening column full of imperatives, an advice column in the
second person, a chorus sung twice, numeric datelines, template links,
query-string dates). The same scoring and threshold as the labeled set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from labeled_scoring import RULES, assert_enough_articles, assert_rule_scores, evaluation_fixture

from qualitycheck.evaluation import LabelSet

HELDOUT = Path(__file__).resolve().parent / "heldout"

evaluation = evaluation_fixture(HELDOUT)


def test_heldout_set_covers_every_format_and_rule(evaluation):
    assert_enough_articles(HELDOUT, evaluation)
    assert set(LabelSet.load(HELDOUT).rules) == set(RULES)
    assert evaluation.label_problems == []
    assert {f.rule for f in evaluation.report.findings} <= set(RULES) and evaluation.report.errors == []


@pytest.mark.parametrize("rule", RULES)
def test_rule_precision_and_recall_on_the_heldout_set(evaluation, rule):
    assert_rule_scores(evaluation, rule)
