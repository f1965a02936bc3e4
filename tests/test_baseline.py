"""Baselines: `baseline write` records today's findings, `check --baseline` reports only new ones."""

from __future__ import annotations

import json

from sample_rules import SELECT, write, write_project

from qualitycheck.cli import main

APPEAL = "Dear reader, chip in today and keep local news alive."


def article(title: str, *paragraphs: str) -> str:
    return f"---\ntitle: {title}\n---\n" + "\n\n".join(paragraphs) + "\n"


def write_baseline(capsys, *args: str) -> tuple[int, str]:
    code = main(["baseline", "write", *args, *SELECT])
    return code, capsys.readouterr().out


def check_json(capsys, report_validator, *args: str) -> tuple[int, dict]:
    code = main(["check", *SELECT, "--format", "json", *args])
    return code, report_validator(json.loads(capsys.readouterr().out))


def test_written_baseline_is_sorted_stable_json(tmp_path, capsys):
    write_project(tmp_path)
    write(tmp_path / "news/b.md", article("Ferry timetable", APPEAL, "Boats leave hourly.", APPEAL))
    write(tmp_path / "news/a.md", article("Ferry timetable", "Crossings resume on Monday."))

    code, out = write_baseline(capsys, "baseline.json")

    assert (code, out) == (0, "Wrote 3 findings in 1 file to baseline.json.\n")
    data = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [(e["path"], e["rule"], e["count"], e["excerpt"]) for e in data["findings"]] == [
        ("news/b.md", "appeal-line", 2, "chip in today"),
        ("news/b.md", "twin-title", 1, "ferry timetable"),
    ]
    first = (tmp_path / "baseline.json").read_bytes()
    assert write_baseline(capsys, "baseline.json")[0] == 0
    assert (tmp_path / "baseline.json").read_bytes() == first
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_check_with_baseline_reports_nothing_old_and_counts_it(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))
    write_baseline(capsys, "baseline.json")

    code, report = check_json(capsys, report_validator, "--baseline", "baseline.json")

    assert code == 0
    assert report["findings"] == []
    assert report["summary"]["baselined"] == 1
    assert report["summary"]["baselined_by_rule"] == {"appeal-line": 1}
    assert report["summary"]["exit_code"] == 0


def test_lines_added_above_a_finding_do_not_make_it_new(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    path = write(tmp_path / "news/a.md", article("Vineyard frost", "Growers lit fires.", APPEAL))
    write_baseline(capsys, "baseline.json")
    write(path, article("Vineyard frost", "A new first paragraph.", "And a second one,\nover two lines.",
                        "Growers lit fires.", APPEAL))

    code, report = check_json(capsys, report_validator, "--baseline", "baseline.json")

    assert (code, report["findings"], report["summary"]["baselined"]) == (0, [], 1)


def test_a_second_copy_of_a_baselined_finding_is_new(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    path = write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))
    write_baseline(capsys, "baseline.json")
    write(path, article("Vineyard frost", APPEAL, "Harvest is late.", APPEAL))

    code, report = check_json(capsys, report_validator, "--baseline", "baseline.json")

    assert code == 1
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [("appeal-line", 8, 14)]
    assert report["summary"]["baselined"] == 1


def test_new_findings_fail_and_text_output_shows_only_them(tmp_path, capsys):
    write_project(tmp_path)
    write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))
    write_baseline(capsys, "baseline.json")
    write(tmp_path / "news/b.md", article("Cider fair", "Stalls all day.", APPEAL))

    code = main(["check", *SELECT, "--baseline", "baseline.json"])

    assert code == 1
    out = capsys.readouterr().out
    locations = [line.split(" ")[0] for line in out.splitlines() if ": appeal-line " in line]
    assert locations == ["news/b.md:6:14:"]
    assert out.splitlines()[-1] == "Found 1 finding (1 error) in 1 of 2 files; 1 baselined."


def test_fixed_findings_drop_out_when_the_baseline_is_rewritten(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    path = write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))
    write(tmp_path / "news/b.md", article("Cider fair", APPEAL))
    write_baseline(capsys, "baseline.json")
    write(path, article("Vineyard frost", "Appeal removed."))

    code, out = write_baseline(capsys, "baseline.json")

    assert (code, out) == (0, "Wrote 1 finding in 1 file to baseline.json.\n")
    entries = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [e["path"] for e in entries] == ["news/b.md"]
    # The fixed appeal, pasted back, is new again.
    write(path, article("Vineyard frost", APPEAL))
    code, report = check_json(capsys, report_validator, "--baseline", "baseline.json")
    assert (code, [f["path"] for f in report["findings"]]) == (1, ["news/a.md"])


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path, capsys, report_validator, monkeypatch):
    write_project(tmp_path)
    write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))
    write_baseline(capsys, "ci/baseline.json", "news")
    monkeypatch.chdir(tmp_path / "news")

    code, report = check_json(capsys, report_validator, "a.md", "--baseline", "../ci/baseline.json")

    entries = json.loads((tmp_path / "ci/baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [e["path"] for e in entries] == ["../news/a.md"]
    assert (code, report["findings"], report["summary"]["baselined"]) == (0, [], 1)


def test_a_finding_in_another_file_is_new(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))
    write_baseline(capsys, "baseline.json")
    (tmp_path / "news/a.md").rename(tmp_path / "news/renamed.md")

    code, report = check_json(capsys, report_validator, "--baseline", "baseline.json")

    assert (code, [f["path"] for f in report["findings"]]) == (1, ["news/renamed.md"])
    assert report["summary"]["baselined"] == 0


def test_jsonl_records_are_keyed_by_record(tmp_path, capsys, report_validator):
    write_project(tmp_path)
    feed = tmp_path / "news/feed.jsonl"
    write(feed, json.dumps({"id": "r1", "title": "Kelp farm", "text": APPEAL}) + "\n")
    write_baseline(capsys, "baseline.json")
    write(feed, json.dumps({"id": "r1", "title": "Kelp farm", "text": APPEAL}) + "\n"
          + json.dumps({"id": "r2", "title": "Oyster beds", "text": APPEAL}) + "\n")

    code, report = check_json(capsys, report_validator, "--baseline", "baseline.json")

    assert (code, [(f["record"], f["line"]) for f in report["findings"]]) == (1, [("r2", 1)])


def test_missing_baseline_is_a_one_line_error(tmp_path, capsys):
    write_project(tmp_path)

    code = main(["check", "--baseline", "nope.json"])

    assert code == 2
    assert capsys.readouterr().err == ("error: nope.json: baseline file not found; "
                                       "write it with `qualitycheck baseline write nope.json`\n")


def test_invalid_baseline_is_a_one_line_error(tmp_path, capsys):
    write_project(tmp_path)
    write(tmp_path / "broken.json", '{"version": 1,\n  "findings": [}\n')
    write(tmp_path / "other.json", '{"version": 7, "findings": []}\n')

    assert main(["check", "--baseline", "broken.json"]) == 2
    assert capsys.readouterr().err == ("error: broken.json:2:16: baseline is not valid JSON (Expecting value); "
                                       "write it with `qualitycheck baseline write broken.json`\n")
    assert main(["check", "--baseline", "other.json"]) == 2
    assert capsys.readouterr().err == ("error: other.json: not a qualitycheck baseline of version 1; "
                                       "write it with `qualitycheck baseline write other.json`\n")


def test_baseline_write_refuses_when_a_rule_crashes(tmp_path, capsys):
    write_project(tmp_path)
    (tmp_path / "crash.py").write_text(
        "from qualitycheck import Rule, hookimpl\n"
        "def boom(document, context):\n    raise RuntimeError('kaput')\n"
        "@hookimpl\ndef qualitycheck_register_rules():\n"
        "    return [Rule(name='boom', code='T099', summary='crashes', check=boom)]\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text('version: 1\ninclude: ["news/**"]\nplugins: [sample_plugin.py, crash.py]\n',
                                         encoding="utf-8")
    write(tmp_path / "news/a.md", article("Vineyard frost", APPEAL))

    code = main(["baseline", "write", "baseline.json", "--select", "boom"])

    assert code == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: news/a.md: rule 'boom' from crash.py crashed: RuntimeError: kaput",
        "error: baseline.json not written: a rule crashed, so the findings are incomplete",
    ]
    assert not (tmp_path / "baseline.json").exists()
