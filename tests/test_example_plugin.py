"""plugins/page_marker.py, the example local plugin that the repository's rules.yaml loads."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from qualitycheck import Document, RuleContext
from support import places, write

PLUGIN_FILE = Path(__file__).resolve().parents[1] / "plugins" / "page_marker.py"


@pytest.fixture(scope="module")
def page_marker():
    spec = importlib.util.spec_from_file_location("example_page_marker", PLUGIN_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (rule,) = module.qualitycheck_register_rules()
    return rule


def _check(rule, text: str, **options) -> list[tuple[int, int, int, str]]:
    context = RuleContext(options={"max-page": 999, **options}, as_of=None)
    return [(i.line, i.end_line, i.end_column, i.message) for i in rule.check(Document(path="a.txt", text=text), context)]


def test_flags_lines_that_are_only_a_page_marker(page_marker):
    text = "The council met.\nPage 2 of 5\nIt voted.\n  - 7 -  \npage 4/9\nSee page 3 for the map.\n"

    assert _check(page_marker, text) == [
        (2, 2, 12, "page marker 'Page 2 of 5' left by PDF extraction"),
        (4, 4, 10, "page marker '- 7 -' left by PDF extraction"),
        (5, 5, 9, "page marker 'page 4/9' left by PDF extraction"),
    ]


def test_numbers_above_max_page_are_not_page_numbers(page_marker):
    assert _check(page_marker, "Page 200\nPage 3 of 2000\n", **{"max-page": 100}) == []
    assert _check(page_marker, "Page 12\n", **{"max-page": 12}) == [(1, 1, 8, "page marker 'Page 12' left by PDF extraction")]


def test_rule_data(page_marker):
    assert (page_marker.name, page_marker.code, str(page_marker.default_severity)) == ("page-marker", "EX001", "warning")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Options"):
        assert heading in page_marker.docs


def test_loaded_from_rules_yaml_with_its_options(tmp_path, check_json):
    shutil.copy(PLUGIN_FILE, tmp_path / "page_marker.py")
    write(tmp_path, "rules.yaml", "plugins: [page_marker.py]\nrules:\n  page-marker:\n    severity: error\n"
                                  "    options: {max-page: 50}\n")
    write(tmp_path, "report.md", "---\ntitle: Budget\n---\nSpending rose.\nPage 3 of 40\nPage 60\n")

    code, report, _ = check_json("--select", "page-marker", "report.md")

    assert places(report, "rule", "code", "severity", "line", "column", "end_column") == [
        ("page-marker", "EX001", "error", 5, 1, 13)
    ]
    assert report["rules"][0]["origin"] == "page_marker.py"
    assert code == 1
