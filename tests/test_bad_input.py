"""Bad input becomes one clear finding naming file, record and reason; the run goes on."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from qualitycheck.cli import main
from support import CORE_RULES, places, project, write

GOOD = ("marker", "good.txt", None, 1, 6, "XXX left in the text")


def with_good(bad: tuple) -> list[tuple]:
    """The expected findings: `bad` and the good neighbour's, in report (path) order."""
    return sorted([GOOD, bad], key=lambda finding: finding[1])


def _check_with_good_neighbour(tmp_path, check_json, *args):
    """Check the folder (or `args`) next to a good file with one finding; return (code, findings)."""
    write(tmp_path, "good.txt", "Fine XXX.\n")
    code, report, stderr = check_json(*CORE_RULES, *(args or (".",)))
    assert stderr == ""
    return code, places(report, "rule", "path", "record", "line", "column", "message")


BAD_BYTES = {
    "latin1.txt": (
        "Line one\nGrüße caf\xe9\n".encode("utf-8").replace(b"\xc3\xa9", b"\xe9"),
        ("unreadable-file", "latin1.txt", None, 2, 10,
         "not valid UTF-8 (byte 0xe9 at line 2, column 10); re-save the file as UTF-8"),
    ),
    "image.txt": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        ("unreadable-file", "image.txt", None, 1, 1,
         "binary file (contains NUL bytes), not text; exclude it in rules.yaml"),
    ),
    "empty.md": (b"", ("unreadable-file", "empty.md", None, 1, 1, "file is empty")),
    "blank.md": (b" \n\t\n\n", ("unreadable-file", "blank.md", None, 1, 1, "file holds only whitespace")),
    "broken-yaml.md": (
        b"---\ntitle: [unclosed\nauthor: someone\n---\nBody text.\n",
        ("metadata", "broken-yaml.md", None, 3, 7,
         "front matter: invalid YAML: while parsing a flow sequence started on line 2, column 8, did not find "
         "expected ',' or ']'"),
    ),
    "list-front.md": (
        b"---\n- one\n- two\n---\nBody text.\n",
        ("metadata", "list-front.md", None, 2, 1, "front matter must be a mapping of keys to values, not a list"),
    ),
    "twice.md": (
        b"---\ntitle: First\nauthor: A\ntitle: Second\n---\nBody text.\n",
        ("metadata", "twice.md", None, 4, 1, "front matter: duplicate key 'title' (first defined on line 2)"),
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_BYTES))
def test_bad_file_is_one_finding_and_the_run_goes_on(tmp_path, check_json, name):
    project(tmp_path)
    data, expected = BAD_BYTES[name]
    (tmp_path / name).write_bytes(data)

    code, findings = _check_with_good_neighbour(tmp_path, check_json)

    assert findings == with_good(expected)
    assert code == 1


def test_front_matter_problem_still_checks_the_body(tmp_path, check_json):
    project(tmp_path)
    (tmp_path / "a.md").write_bytes(b"---\ntitle: [unclosed\n---\nBody XXX.\n")

    _, report, _ = check_json(*CORE_RULES, "a.md")

    assert places(report, "rule", "line", "column", "message") == [
        ("metadata", 3, 1, "front matter: invalid YAML: while parsing a flow sequence started on line 2, column 8, "
                           "did not find expected ',' or ']'"),
        ("marker", 4, 6, "XXX left in the text"),
    ]


def test_utf8_bom_is_read_and_not_counted_as_a_column(tmp_path, check_json):
    project(tmp_path)
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfXXX at the start\n")

    _, report, _ = check_json(*CORE_RULES, "bom.txt")

    assert places(report) == [("marker", "bom.txt", None, 1, 1)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_are_read_with_right_positions(tmp_path, check_json, encoding):
    project(tmp_path, """\
        rules:
          metadata:
            options:
              schema: {required: [title], properties: {title: {const: "Ébène"}}}
    """)
    text = "---\ntitle: Ébène\n---\nÀ la XXX.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "wide.md").write_bytes(data)

    _, report, _ = check_json(*CORE_RULES, "wide.md")

    assert places(report) == [("marker", "wide.md", None, 4, 6)]


def test_utf16_bom_with_broken_content_is_reported(tmp_path, check_json):
    project(tmp_path)
    (tmp_path / "odd.txt").write_bytes(b"\xff\xfeA\x00\x00\xd8")  # a lone high surrogate at the end

    _, report, _ = check_json(*CORE_RULES, "odd.txt")

    assert places(report, "rule", "message") == [
        ("unreadable-file", "not valid UTF-16 despite its byte-order mark: unexpected end of data")
    ]


def test_broken_symlink(tmp_path, check_json):
    project(tmp_path)
    (tmp_path / "moved.md").symlink_to("archive/moved.md")

    code, findings = _check_with_good_neighbour(tmp_path, check_json)

    assert findings == with_good(
        ("unreadable-file", "moved.md", None, 1, 1,
         "broken symbolic link to 'archive/moved.md'; remove it or fix its target")
    )
    assert code == 1


def test_symlink_loop_is_unreadable(tmp_path, check_json):
    project(tmp_path)
    (tmp_path / "loop.md").symlink_to("loop.md")

    _, findings = _check_with_good_neighbour(tmp_path, check_json)

    assert findings == with_good(
        ("unreadable-file", "loop.md", None, 1, 1, "cannot read file: Too many levels of symbolic links")
    )


def test_named_pipe_is_reported_instead_of_blocking_the_run(tmp_path, check_json):
    project(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")

    _, findings = _check_with_good_neighbour(tmp_path, check_json)

    assert findings == with_good(
        ("unreadable-file", "pipe.txt", None, 1, 1,
         "is a named pipe (FIFO), not a regular file; remove it or exclude it in rules.yaml")
    )


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_file_whose_read_fails_is_unreadable(tmp_path, check_json):
    # /proc/self/mem is a regular file that fails to read with EIO, also for root
    # (who can read a chmod 000 file): a real read error on any Linux machine.
    project(tmp_path)
    (tmp_path / "memory.txt").symlink_to("/proc/self/mem")

    _, findings = _check_with_good_neighbour(tmp_path, check_json)

    assert findings == with_good(("unreadable-file", "memory.txt", None, 1, 1, "cannot read file: Input/output error"))


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root reads files whatever their mode; the EIO and loop tests cover read errors")
def test_file_without_read_permission_is_unreadable(tmp_path, check_json):
    project(tmp_path)
    locked = write(tmp_path, "locked.md", "secret\n")
    locked.chmod(0)
    try:
        _, findings = _check_with_good_neighbour(tmp_path, check_json)
    finally:
        locked.chmod(0o644)

    assert findings == with_good(("unreadable-file", "locked.md", None, 1, 1, "cannot read file: Permission denied"))


def test_bad_jsonl_lines_are_findings_and_good_records_are_checked(tmp_path, check_json):
    project(tmp_path)
    lines = [
        json.dumps({"id": "ok-1", "text": "Harvest XXX early."}),
        '{"id": "cut-off", "text": "The storm',
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "no-text", "title": "Only a title"}),
        json.dumps({"id": "number-text", "text": 42}),
        json.dumps({"id": "ok-1", "text": "Same id, XXX."}),
        "",
        json.dumps({"id": 7, "text": "Numeric id XXX."}),
    ]
    write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")

    code, report, _ = check_json(*CORE_RULES, "feed.jsonl")

    # In file order (each record's line in the file, not its id: "7" on line 8 comes last), then line and
    # column inside the record's text.
    assert places(report, "rule", "record", "line", "column", "message") == [
        ("marker", "ok-1", 1, 9, "XXX left in the text"),
        ("unreadable-file", "line 2", 1, 27,
         "line 2 is not valid JSON: Unterminated string starting at (column 27)"),
        ("unreadable-file", "line 3", 1, 1, "line 3 is a JSON list, not an object"),
        ("metadata", "no-text", 1, 1,
         "record has no 'text' field; set inputs.jsonl.text-field in rules.yaml if the text is in another field"),
        ("metadata", "number-text", 1, 1,
         "record has a non-text (int) 'text' field; set inputs.jsonl.text-field in rules.yaml if the text is in "
         "another field"),
        ("metadata", "ok-1 (line 6)", 1, 1,
         "record id 'ok-1' on line 6 is already used on line 1; ids must be unique"),
        ("marker", "ok-1 (line 6)", 1, 10, "XXX left in the text"),
        ("marker", "7", 1, 12, "XXX left in the text"),
    ]
    assert report["summary"]["documents"] == 3
    assert code == 1


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink() and ".qualitycheck" not in path.parts
    }


def test_check_never_writes_to_input_files(tmp_path):
    project(tmp_path)
    write(tmp_path, "a.md", "---\ntitle: A\n---\nXXX\n")
    write(tmp_path, "b.jsonl", '{"id": "b", "text": "XXX"}\nnot json\n')
    (tmp_path / "c.txt").write_bytes(b"caf\xe9\n")
    (tmp_path / "d.txt").write_bytes(b"\xff\xfeX\x00X\x00X\x00")
    before = _snapshot(tmp_path)

    assert main(["check", ".", *CORE_RULES, "--output", "report.json"]) == 1

    after = _snapshot(tmp_path)
    assert after.pop("report.json")
    assert after == before
