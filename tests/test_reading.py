"""Reading a file's bytes: the whole file, whatever size its stat said."""

from __future__ import annotations

import pytest

from qualitycheck.reading import read_file_bytes


def test_a_file_that_grew_since_its_stat_is_read_to_its_end(tmp_path):
    path = tmp_path / "long.md"
    content = b"".join(b"Line %d of a long article that outgrew its stat.\n" % n for n in range(5000))
    path.write_bytes(content)
    assert read_file_bytes(path, 10) == content
    assert read_file_bytes(path, len(content)) == content
    assert read_file_bytes(path) == content


def test_an_empty_file_reads_as_no_bytes(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_file_bytes(path, 0) == b""


@pytest.mark.parametrize("cache", ["--no-cache", "--cache-dir=cache"])
def test_a_long_article_is_checked_to_its_last_line(tmp_path, check_json, monkeypatch, cache):
    monkeypatch.chdir(tmp_path)
    story = "The harbour board met on Tuesday to weigh the ferry timetable for the winter months.\n\n"
    path = tmp_path / "long.md"
    path.write_text(story * 1500 + "Donate now to keep this newsletter free for every reader!\n", encoding="utf-8")
    code, report, _ = check_json("long.md", "--select", "ad-text", cache)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("ad-text", 3001)]
