"""`qualitycheck.records.record` behaves as `dataclasses.dataclass` does for what plugin authors touch."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from qualitycheck import DocumentRef, Issue
from qualitycheck.records import record
from qualitycheck.report import RuleInfo


def test_an_issue_compares_hashes_and_prints_like_the_dataclass_it_replaces():
    issue = Issue(message="ad text", line=3, column=1)
    same = Issue(message="ad text", line=3, column=1)
    assert issue == same and hash(issue) == hash(same)
    assert issue != dataclasses.replace(issue, line=4)
    assert repr(DocumentRef("news/a.md", "r1")) == "DocumentRef(path='news/a.md', record='r1')"
    assert dataclasses.asdict(DocumentRef("news/a.md", None)) == {"path": "news/a.md", "record": None}
    assert pickle.loads(pickle.dumps(issue)) == issue
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.line = 5  # type: ignore[misc]


def test_fields_left_out_of_comparison_do_not_count():
    plain = RuleInfo("ad-text", "QC101", "summary", "warning", "builtin")
    documented = dataclasses.replace(plain, docs="## What it does")
    assert plain == documented and hash(plain) == hash(documented)


def test_records_of_different_classes_are_never_equal_and_mutable_ones_are_unhashable():
    @record
    class Point:
        x: int
        y: int

    @record
    class Pair:
        x: int
        y: int

    @record(frozen=False)
    class Counter:
        count: int = 0

    assert Point(1, 2) != Pair(1, 2)
    assert Point(1, 2) == Point(1, 2) and {Point(1, 2): "a"}[Point(1, 2)] == "a"
    counter = Counter()
    counter.count += 1
    assert counter == Counter(1) and repr(counter) == "test_records_of_different_classes_are_never_equal_and_" \
        "mutable_ones_are_unhashable.<locals>.Counter(count=1)"
    with pytest.raises(TypeError, match="unhashable"):
        hash(counter)
