"""Suppressions: inline comments, the front-matter/record key, per-file-ignores, unused ones."""

from __future__ import annotations

import json
from pathlib import Path

from sample_rules import RULES_YAML, SELECT, write, write_project

from qualitycheck.cli import main

APPEAL = "Readers, chip in today to keep the newsletter free."


def run_json(capsys, report_validator, *args: str, select=SELECT) -> tuple[int, dict]:
    code = main(["check", *select, *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, report_validator(json.loads(captured.out))


def found(report: dict) -> list[tuple]:
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in report["findings"]]


def test_disable_and_enable_comments_bound_a_region(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/tides.md", "\n".join([
        "---",
        "title: Spring tides flood the quay",
        "---",
        APPEAL,                                           # 4: reported
        "<!-- qualitycheck: disable=appeal-line -->",     # 5
        APPEAL,                                           # 6: suppressed
        "",
        APPEAL,                                           # 8: suppressed
        "<!-- qualitycheck: enable=appeal-line -->",      # 9
        APPEAL,                                           # 10: reported
    ]) + "\n")

    code, report = run_json(capsys, report_validator)

    assert code == 1
    assert found(report) == [("appeal-line", "news/tides.md", 4, 10), ("appeal-line", "news/tides.md", 10, 10)]
    assert report["summary"]["suppressed"] == 2
    assert report["summary"]["suppressed_by_rule"] == {"appeal-line": 2}


def test_bare_disable_covers_every_rule_until_the_end_and_codes_work(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/one.md", f"---\ntitle: Bakery wins prize\n---\n{APPEAL}\n")
    write(tmp_path / "news/two.md", "\n".join([
        "---",
        "title: Bakery wins prize",
        "---",
        "<!-- qualitycheck: disable -->",
        APPEAL,
        "<!-- qualitycheck: disable=T001 -->",
        APPEAL,
    ]) + "\n")

    code, report = run_json(capsys, report_validator, "news/two.md")

    # twin-title sits on line 4 (the text's first line), the comment's own line: still inside the region.
    assert found(report) == []
    assert code == 0
    assert report["summary"]["suppressed_by_rule"] == {"appeal-line": 2, "twin-title": 1}


def test_disable_next_line_covers_only_the_next_line(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/fair.md", "\n".join([
        "---",
        "title: County fair opens",
        "---",
        "<!-- qualitycheck: disable-next-line=appeal-line, twin-title -->",
        APPEAL,
        APPEAL,
    ]) + "\n")

    code, report = run_json(capsys, report_validator)

    assert code == 1
    assert found(report) == [
        ("unused-suppression", "news/fair.md", 4, 1),
        ("appeal-line", "news/fair.md", 6, 10),
    ]
    unused = report["findings"][0]
    assert unused["message"] == "unused suppression: no 'twin-title' finding to disable on the next line"
    assert unused["severity"] == "warning" and unused["code"] == "QC003"
    assert unused["excerpt"] == "<!-- qualitycheck: disable-next-line=appeal-line, twin-title -->"
    assert (unused["end_line"], unused["end_column"]) == (4, 65)
    assert report["summary"]["suppressed"] == 1


def test_disable_next_line_covers_a_span_that_includes_the_next_line(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/sale.md", "\n".join([
        "---",
        "title: Clearance sale",
        "---",
        "<!-- qualitycheck: disable-next-line=caps-block -->",
        "HUGE SALE",                                              # 5: the span 5-6 is suppressed
        "EVERYTHING MUST GO",
        "",
        "A calm line.",
        "<!-- QUALITYCHECK: DISABLE-NEXT-LINE=CAPS-BLOCK -->",    # 9: upper case is no directive: 9-10 reported
        "LAST DAY",
    ]) + "\n")

    code, report = run_json(capsys, report_validator)

    assert (code, found(report)) == (1, [("caps-block", "news/sale.md", 9, 1)])
    assert (report["findings"][0]["end_line"], report["summary"]["suppressed"]) == (10, 1)


def test_front_matter_key_suppresses_rules_for_the_whole_article(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/a.md", "---\ntitle: Night market returns\n---\nStalls open at dusk.\n")
    write(tmp_path / "news/b.md", "\n".join([
        "---",
        "title: Night market returns",
        "qualitycheck: {disable: [twin-title, appeal-line]}",
        "---",
        APPEAL,
        "More text.",
        APPEAL,
    ]) + "\n")

    code, report = run_json(capsys, report_validator)

    assert (code, found(report)) == (0, [])
    assert report["summary"]["suppressed_by_rule"] == {"appeal-line": 2, "twin-title": 1}


def test_unused_front_matter_key_is_reported_at_the_key(tmp_path, capsys):
    write_project(tmp_path)
    write(tmp_path / "news/calm.md", "---\ntitle: A quiet week\nauthor: Desk\n"
                                     "qualitycheck:\n  disable: [appeal-line]\n---\nNothing to see.\n")

    code = main(["check", *SELECT])

    assert code == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("news/calm.md:4:1: unused-suppression [warning] unused suppression: "
                                   "no 'appeal-line' finding to disable in this article")


def test_record_key_suppresses_in_jsonl(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    records = [
        {"id": "r1", "title": "Orchard harvest", "text": APPEAL},
        {"id": "r2", "title": "Orchard harvest", "text": APPEAL, "qualitycheck": {"disable": ["appeal-line"]}},
    ]
    write(tmp_path / "news/feed.jsonl", "".join(json.dumps(r) + "\n" for r in records))

    code, report = run_json(capsys, report_validator)

    assert code == 1
    assert [(f["rule"], f["record"], f["line"]) for f in report["findings"]] == [
        ("appeal-line", "r1", 1),
        ("twin-title", "r2", 1),
    ]
    assert report["summary"]["suppressed_by_rule"] == {"appeal-line": 1}


def test_inline_comment_in_a_jsonl_record_text(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    text = f"<!-- qualitycheck: disable-next-line=appeal-line -->\n{APPEAL}\nplain\n{APPEAL}"
    write(tmp_path / "news/feed.jsonl", json.dumps({"id": "k7", "title": "Kite festival", "text": text}) + "\n")

    code, report = run_json(capsys, report_validator)

    assert [(f["rule"], f["record"], f["line"]) for f in report["findings"]] == [("appeal-line", "k7", 4)]
    assert report["summary"]["suppressed"] == 1


def test_unknown_rules_and_unreadable_comments_are_reported(tmp_path, capsys):
    write_project(tmp_path)
    write(tmp_path / "news/odd.md", "\n".join([
        "---",
        "title: Pier repairs",
        "---",
        "<!-- qualitycheck: disable=apeal-line -->",
        "<!-- qualitycheck: turn-off=appeal-line -->",
        "<!-- qualitycheck: disable= -->",
        "Quiet text.",
    ]) + "\n")
    write(tmp_path / "news/bad-key.md", "---\ntitle: Tram strike\nqualitycheck: [appeal-line]\n---\nText.\n")

    code = main(["check", *SELECT])

    assert code == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if ": unused-suppression " in line]
    assert lines == [
        "news/bad-key.md:3:1: unused-suppression [warning] cannot read suppression: 'qualitycheck' must be a "
        "mapping like {disable: [rule-a, rule-b]}",
        "news/odd.md:4:1: unused-suppression [warning] unknown rule 'apeal-line' in suppression",
        "news/odd.md:5:1: unused-suppression [warning] cannot read suppression "
        "'<!-- qualitycheck: turn-off=appeal-line -->'; expected 'disable', 'enable' or 'disable-next-line', "
        "optionally followed by '=rule-a,rule-b'",
        "news/odd.md:6:1: unused-suppression [warning] cannot read suppression '<!-- qualitycheck: disable= -->'; "
        "expected 'disable', 'enable' or 'disable-next-line', optionally followed by '=rule-a,rule-b'",
    ]


def test_unused_bare_disable_is_reported(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/clean.md", "---\ntitle: Library hours\n---\nText.\n<!-- qualitycheck: disable -->\n")

    code, report = run_json(capsys, report_validator)

    assert code == 1
    assert [(f["rule"], f["line"], f["message"]) for f in report["findings"]] == [
        ("unused-suppression", 5, "unused suppression: no finding to disable before the matching 'enable'")
    ]


def test_suppressions_of_rules_that_did_not_run_are_not_judged(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/x.md", "---\ntitle: Bridge opens\n---\n"
                                  "<!-- qualitycheck: disable-next-line=twin-title -->\nText.\n")

    code, report = run_json(capsys, report_validator,
                            select=("--select", "appeal-line,unused-suppression"))

    assert (code, found(report)) == (0, [])


def test_unused_suppression_can_be_switched_off(tmp_path, capsys, report_validator):
    write_project(tmp_path, RULES_YAML + "rules:\n  unused-suppression: {enabled: false}\n")
    write(tmp_path / "news/x.md", "---\ntitle: Bridge opens\n---\n"
                                  "<!-- qualitycheck: disable-next-line=appeal-line -->\nText.\n")

    code, report = run_json(capsys, report_validator, select=())  # every rule but the one switched off

    assert (code, found(report)) == (0, [])


def test_per_file_ignores_in_rules_yaml(tmp_path, capsys, report_validator):
    write_project(tmp_path, RULES_YAML + 'per-file-ignores:\n  "news/archive/**": [appeal-line]\n'
                                         '  "*.jsonl": [T002]\n')
    write(tmp_path / "news/archive/1998/old.md", f"---\ntitle: Old mill\n---\n{APPEAL}\n")
    write(tmp_path / "news/today.md", f"---\ntitle: New mill\n---\n{APPEAL}\n")
    write(tmp_path / "news/wire.jsonl", json.dumps({"id": "m", "title": "New mill", "text": "Fine."}) + "\n")

    code, report = run_json(capsys, report_validator)

    assert code == 1
    assert found(report) == [("appeal-line", "news/today.md", 4, 10)]
    assert report["summary"]["suppressed_by_rule"] == {"appeal-line": 1, "twin-title": 1}


def test_per_file_ignores_match_relative_to_the_config_file(tmp_path, capsys, report_validator, monkeypatch):
    write_project(tmp_path, RULES_YAML + 'per-file-ignores:\n  "news/archive/**": [appeal-line]\n')
    write(tmp_path / "news/archive/old.md", f"---\ntitle: Old mill\n---\n{APPEAL}\n")
    monkeypatch.chdir(tmp_path / "news")

    code, report = run_json(capsys, report_validator, "archive", "--config", "../rules.yaml")

    assert (code, found(report), report["summary"]["suppressed"]) == (0, [], 1)


def test_per_file_ignores_with_an_unknown_rule_is_a_config_error(tmp_path, capsys):
    write_project(tmp_path, RULES_YAML + 'per-file-ignores:\n  "news/**": [appeal-lines]\n')

    code = main(["check", *SELECT])

    assert code == 2
    assert capsys.readouterr().err == ("error: rules.yaml:5:15: per-file-ignores.news/**.0: unknown rule "
                                       "'appeal-lines'; did you mean 'appeal-line'?\n")


def test_per_file_ignores_must_be_lists_of_rules(tmp_path, capsys):
    write_project(tmp_path, RULES_YAML + 'per-file-ignores:\n  "news/**": appeal-line\n')

    code = main(["check", *SELECT])

    assert code == 2
    assert capsys.readouterr().err == ("error: rules.yaml:5:14: per-file-ignores.news/**: "
                                       "expected a list, got 'appeal-line'\n")


def test_check_never_writes_suppressed_files(tmp_path, capsys):
    write_project(tmp_path)
    article = write(tmp_path / "news/keep.md", f"---\ntitle: T\n---\n<!-- qualitycheck: disable -->\n{APPEAL}\n")
    before = article.read_bytes()

    assert main(["check", *SELECT]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No findings in 1 file; 1 suppressed."
    assert Path(article).read_bytes() == before


def test_an_enable_with_no_disable_above_it_is_reported(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/pier.md", "\n".join([
        "---",
        "title: Pier reopens after repairs",
        "---",
        "<!-- qualitycheck: enable=appeal-line -->",                 # 4: nothing to end
        "The pier reopened on Saturday after a winter of repairs.",
        "<!-- qualitycheck: disable -->",                            # 6
        APPEAL,                                                      # 7: suppressed
        "<!-- qualitycheck: enable=appeal-line -->",                 # 8: ends the bare disable for it
        "<!-- qualitycheck: enable=appeal-line,twin-title -->",      # 9: appeal-line is enabled already
        "<!-- qualitycheck: enable -->",                             # 10: ends what is left
        "<!-- qualitycheck: enable -->",                             # 11: nothing to end
    ]) + "\n")

    code, report = run_json(capsys, report_validator)

    assert code == 1
    assert [(f["rule"], f["line"], f["message"]) for f in report["findings"]] == [
        ("unused-suppression", 4, "unused suppression: 'enable' of 'appeal-line' with no 'disable' of it above"),
        ("unused-suppression", 9, "unused suppression: 'enable' of 'appeal-line' with no 'disable' of it above"),
        ("unused-suppression", 11, "unused suppression: 'enable' with no 'disable' above it to end"),
    ]
    assert report["summary"]["suppressed_by_rule"] == {"appeal-line": 1}
