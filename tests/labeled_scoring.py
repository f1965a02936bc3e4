"""Shared checks for the labeled article sets (tests/labeled, tests/heldout, tests/probes).

All sets are scored the same way (qualitycheck.evaluation): the five
single-article rules, "today" fixed so future-url results do not move with
the calendar, and precision and recall of at least THRESHOLD per rule. On
failure the message lists every false positive and false negative as
path:line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from qualitycheck.evaluation import Evaluation, LabelSet, evaluate, format_table

AS_OF = dt.date(2026, 1, 15)
RULES = ("ad-text", "broken-wrap", "related-article", "future-url", "duplicate-paragraph")
THRESHOLD = 0.9


def evaluate_set(folder: Path) -> Evaluation:
    """The real checker run over a labeled folder and scored, as of AS_OF."""
    return evaluate(folder, rules=list(RULES), as_of=AS_OF)


def evaluation_fixture(folder: Path):
    """A module-scoped `evaluation` fixture for a test module of one labeled folder."""
    return pytest.fixture(scope="module", name="evaluation")(lambda: evaluate_set(folder))


def assert_enough_articles(folder: Path, evaluation: Evaluation) -> None:
    """At least 30 labeled articles, 5 of each format, every one of them read by the run."""
    label_set = LabelSet.load(folder)
    formats = Counter(Path(article.path).suffix for article in label_set.articles)
    assert len(label_set.articles) >= 30, formats
    assert formats[".txt"] >= 5 and formats[".md"] >= 5 and formats[".jsonl"] >= 5, formats
    assert sum(1 for a in label_set.articles if a.record is not None) == formats[".jsonl"]
    assert evaluation.report.documents == len(label_set.articles)


def assert_rule_scores(evaluation: Evaluation, rule: str) -> None:
    """Fail with the table and every error unless `rule` reaches THRESHOLD for precision and recall."""
    if rule in evaluation.missing_rules:
        pytest.xfail(f"{rule} is not registered yet")
    result = evaluation.scores[rule]
    table = format_table({rule: result})
    assert result.precision is not None and result.recall is not None, table
    if result.precision < THRESHOLD or result.recall < THRESHOLD:
        pytest.fail(f"{rule}: precision {result.precision:.3f}, recall {result.recall:.3f} (need {THRESHOLD} "
                    f"for both)\n{table}", pytrace=False)
