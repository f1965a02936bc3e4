"""Tests of the document rule, written with qualitycheck.testing."""

from pathlib import Path

import pytest

from qualitycheck.testing import assert_expected, check_rule, score_rule
from qualitycheck_newsroom.embeds import EMBED_LEFTOVER

FIXTURES = Path(__file__).parent / "fixtures"


def test_flags_each_placeholder_line():
    findings = check_rule(EMBED_LEFTOVER, "---\ntitle: Derby\n---\nFirst half.\nVideo Player is loading.\nSecond half.\n")
    assert [(f.rule, f.line, f.column, f.end_column, f.message) for f in findings] == [
        ("embed-leftover", 5, 1, 25, "embed placeholder 'Video Player is loading.' left in the text"),
    ]


def test_a_sentence_about_a_gallery_is_not_flagged():
    assert check_rule(EMBED_LEFTOVER, "The gallery opens on Monday; click to expand the gallery hours list.\n") == []


def test_extra_lines_option():
    findings = check_rule(EMBED_LEFTOVER, "Story.\n  Audio clip unavailable  \n",
                          options={"extra-lines": ["audio clip unavailable"]})
    assert [f.line for f in findings] == [2]


def test_options_are_validated_against_the_schema():
    with pytest.raises(ValueError, match="extra-lines"):
        check_rule(EMBED_LEFTOVER, "Story.\n", options={"extra-lines": "not a list"})


def test_fixture_expectations():
    assert_expected(EMBED_LEFTOVER, FIXTURES / "embeds.md")


def test_precision_and_recall_on_the_labeled_folder():
    score = score_rule(EMBED_LEFTOVER, Path(__file__).parent / "labeled")
    assert (score.labels, score.findings, score.matched) == (3, 2, 2)
    assert score.precision == 1.0
    assert score.recall == pytest.approx(2 / 3)  # "Loading post..." is not known to the rule yet
    assert [(label.path, label.line) for label in score.false_negatives] == [("concert.md", 9)]
