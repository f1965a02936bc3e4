"""Start-up of a run whose rules.yaml has not changed (the pre-commit case): no YAML parser, no jsonschema.

The first run with a rules.yaml parses and validates it and stamps its digest
in the cache folder together with the parse; later runs with the same text
take the parse from the stamp. Each run here is a fresh interpreter, as a
pre-commit hook is.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

RUN_AND_LIST_MODULES = """
import json, sys
from qualitycheck.cli import main
code = main(sys.argv[1:])
print(json.dumps({"exit": code, "yaml": "yaml" in sys.modules, "jsonschema": "jsonschema" in sys.modules}))
"""

RULES = """\
version: 1
include:
  - "news/**"
rules:
  broken-wrap:
    severity: error
  duplicate-paragraph:
    enabled: false
"""

ARTICLE = """\
---
title: Ferry timetable changes
date: 2022-03-04
---

The harbour board confirmed on Friday that the morning ferry will leave twenty
minutes earlier from April, after months of complaints from commuters.

Enjoying our coverage? Support us with a monthly gift and keep it free for everyone.
"""


def run(repo: Path, *args: str) -> tuple[dict, str]:
    """(what the run imported and returned, its standard error) of `qualitycheck check` in a new interpreter."""
    done = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, "check", "--format", "json",
                           "--output", "json:report.json", *args],
                          cwd=repo, capture_output=True, text=True, check=False)
    assert done.stdout, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "ferry.md").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def findings(repo: Path) -> list[tuple[str, int, str]]:
    report = json.loads((repo / "report.json").read_text(encoding="utf-8"))
    return [(f["rule"], f["line"], f["severity"]) for f in report["findings"]]


def test_a_second_run_with_the_same_rules_yaml_imports_no_yaml_parser_and_no_jsonschema(repo):
    first, _ = run(repo)
    assert first == {"exit": 1, "yaml": True, "jsonschema": True}
    expected = findings(repo)
    assert expected == [("ad-text", 9, "warning")]

    second, _ = run(repo)
    assert second == {"exit": 1, "yaml": False, "jsonschema": False}
    assert findings(repo) == expected


def test_the_remembered_parse_keeps_the_config_settings(repo):
    run(repo)
    (repo / "news" / "wrapped.txt").write_text(
        "The council met on Tuesday evening to discuss the budget for the coming\n"
        "year, and members agreed that the library would keep its opening hours\n"
        "while the pool closes for repairs over the summer months, officials said.\n"
        "\n"
        "The decision follows a long consultation with residents of the town and the\n"
        "surrounding villages, many of whom had asked for the library to stay open\n"
        "later on weekdays and for the pool to reopen before the school holidays.\n",
        encoding="utf-8")
    outcome, _ = run(repo)
    assert outcome == {"exit": 1, "yaml": False, "jsonschema": False}
    assert sorted(findings(repo)) == [("ad-text", 9, "warning"), ("broken-wrap", 1, "error"),
                                      ("broken-wrap", 5, "error")]


def test_an_edited_rules_yaml_is_parsed_and_validated_again(repo):
    run(repo)
    (repo / "rules.yaml").write_text(RULES.replace("severity: error", "severity: loud"), encoding="utf-8")
    outcome, stderr = run(repo)
    assert outcome["exit"] == 2 and outcome["yaml"] and outcome["jsonschema"]
    assert stderr == ("error: rules.yaml:6:15: rules.broken-wrap.severity: 'loud' is not one of: "
                      "error, warning, info\n")


def test_damaged_stamps_are_not_trusted_and_are_written_again(repo):
    run(repo)
    stamps = sorted((repo / ".qualitycheck" / "cache" / "validated").iterdir())
    assert stamps
    for stamp in stamps:
        stamp.write_text('{"data": {"version": 1, "rul', encoding="utf-8")
    outcome, _ = run(repo)
    assert outcome == {"exit": 1, "yaml": True, "jsonschema": True}
    assert findings(repo) == [("ad-text", 9, "warning")]
    for stamp in stamps:
        text = stamp.read_text(encoding="utf-8")
        assert text == "" or json.loads(text)["data"]["rules"]["broken-wrap"] == {"severity": "error"}
    outcome, _ = run(repo)
    assert outcome == {"exit": 1, "yaml": False, "jsonschema": False}


# --- validation that runs while worker processes check files -------------------------------------------------


@pytest.fixture()
def many(repo: Path) -> Path:
    """The repo with enough articles that `--jobs 2` forks a worker before the config is validated."""
    from qualitycheck.execution import PARALLEL_THRESHOLD

    for number in range(PARALLEL_THRESHOLD + 4):
        (repo / "news" / f"story{number:02d}.md").write_text(ARTICLE.replace("Friday", f"day {number}"),
                                                            encoding="utf-8")
    return repo


def run_check(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualitycheck", "check", "--jobs", "2", *args], cwd=repo,
                          capture_output=True, text=True, check=False)


def test_a_bad_option_stops_a_parallel_cold_run_before_anything_is_reported_or_cached(many):
    (many / "rules.yaml").write_text(RULES + "  ad-text:\n    options:\n      template-min-documents: many\n",
                                     encoding="utf-8")
    done = run_check(many)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("error: rules.yaml:11:31: rules.ad-text.options.template-min-documents: "
                           "expected an integer, got 'many'\n")
    cache = many / ".qualitycheck" / "cache"
    assert not list(cache.glob("validated/*"))  # nothing stamped as valid
    database = next(cache.glob("findings-*.sqlite"), None)
    if database is not None:
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 0
    (many / "rules.yaml").write_text(RULES, encoding="utf-8")
    assert run_check(many).returncode == 1  # fixed: the run goes on, with the ad-text findings


def test_a_config_the_schema_rejects_gives_the_schema_message_not_what_the_bad_data_breaks(many):
    (many / "rules.yaml").write_text("version: 1\nrules:\n  - broken-wrap\n  - ad-text\n", encoding="utf-8")
    done = run_check(many)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: rules.yaml:3:3: rules: expected a mapping, got a list\n"
    (many / "rules.yaml").write_text("version: 1\nincludes:\n  - news\n", encoding="utf-8")
    done = run_check(many)
    assert done.stderr == "error: rules.yaml:2:1: includes: unknown key; did you mean 'include'?\n"
