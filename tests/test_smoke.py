"""End to end through main(argv): a folder in, a JSON report out."""

import json

from qualitycheck.cli import main


def test_check_reports_unreadable_file_as_json(tmp_path, capsys, report_validator):
    (tmp_path / "good.md").write_text("---\ntitle: Fine\n---\nA clean paragraph.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 au lait\n")

    code = main(["check", ".", "--format", "json"])

    report = report_validator(json.loads(capsys.readouterr().out))
    assert code == 1
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in report["findings"]] == [
        ("unreadable-file", "bad.txt", 1, 4)
    ]
    assert report["summary"]["files"] == 2
