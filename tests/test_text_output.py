"""What a person at a terminal sees: the text report, colour, and the progress bar."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

import pytest

from qualitycheck.cli import main
from qualitycheck.progress import ProgressBar, in_ci, wants_progress
from support import TEST_RULES_PLUGIN, write

WHOLE_TEXT_PLUGIN = '''\
from qualitycheck import Issue, Rule, hookimpl


def check_whole(document, context):
    if document.text.startswith("WHOLE"):
        yield Issue.for_span(document, 0, len(document.text.rstrip()), "the whole text is flagged")


@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="whole-text", code="QX030", summary="Flags a whole text", check=check_whole)]
'''

SELECT = ("--select", "marker,as-of,unreadable-file,whole-text", "--as-of", "2024-05-01", "--no-cache")


@pytest.fixture
def articles(tmp_path):
    write(tmp_path, "test_rules.py", TEST_RULES_PLUGIN)
    write(tmp_path, "whole.py", WHOLE_TEXT_PLUGIN)
    write(tmp_path, "rules.yaml", "plugins: [test_rules.py, whole.py]\ninclude: ['news/**']\n")
    write(tmp_path, "news/harbour.md", "---\ntitle: Harbour dredging\n---\nThe board met.\n"
                                       "Dredging starts XXX in May.\n")
    write(tmp_path, "news/quiet.txt", "Nothing happened in the valley.\n")
    (tmp_path / "news/feed.jsonl").write_text(
        json.dumps({"id": "bees-1", "text": "Beekeepers met.\nHoney XXX rose."}) + "\n", encoding="utf-8")
    (tmp_path / "news/latin.txt").write_bytes(b"caf\xe9\n")
    return tmp_path


def test_text_groups_findings_by_file_with_excerpts_and_a_table(articles, capsys):
    code = main(["check", *SELECT])

    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        "news/feed.jsonl[bees-1]:2:7: marker [warning] XXX left in the text",
        "    | XXX",
        "    = record bees-1: news/feed.jsonl:1",
        "",
        "news/harbour.md:5:17: marker [warning] XXX left in the text",
        "    | XXX",
        "",
        "news/latin.txt:1:4: unreadable-file [error] not valid UTF-8 (byte 0xe9 at line 1, column 4); "
        "re-save the file as UTF-8",
        "",
        "Rule             Code   Count",
        "marker           QX001      2",
        "unreadable-file  QC001      1",
        "",
        "Found 3 findings (1 error, 2 warnings) in 3 of 4 files.",
    ]


def test_text_of_a_clean_run_is_the_summary_line(articles, capsys):
    code = main(["check", *SELECT, "news/quiet.txt"])

    assert code == 0
    assert capsys.readouterr().out == "No findings in 1 file.\n"


def test_long_excerpts_are_trimmed_to_four_lines_of_100_columns(articles, capsys):
    long_line = "word " * 30
    write(articles, "news/long.txt", f"WHOLE {long_line}\nsecond\nthird\nfourth\nfifth\nsixth\n")

    main(["check", *SELECT, "news/long.txt"])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "news/long.txt:1:1: whole-text [warning] the whole text is flagged"
    assert lines[1] == "    | " + ("WHOLE " + long_line)[:99].rstrip() + "…"
    assert lines[2:6] == ["    | second", "    | third", "    | fourth", "    | … (2 more lines)"]
    assert len(lines[1]) == len("    | ") + 100


def test_related_places_and_fixes_are_shown_under_the_finding(tmp_path, capsys):
    write(tmp_path, "twin.py", '''\
from qualitycheck import Fix, Issue, Related, Rule, hookimpl

def check(document, context):
    yield Issue.for_lines(document, 1, 1, "seen before", related=(Related("b.txt", None, 3),),
                          fix=Fix("", "delete the paragraph"))

@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="twin", code="QX031", summary="Twin", check=check)]
''')
    write(tmp_path, "rules.yaml", "plugins: [twin.py]\n")
    write(tmp_path, "a.txt", "A paragraph seen elsewhere.\n")

    main(["check", "--no-cache", "--select", "twin", "a.txt"])

    assert capsys.readouterr().out.splitlines()[:4] == [
        "a.txt:1:1: twin [warning] seen before",
        "    | A paragraph seen elsewhere.",
        "    = see b.txt:3",
        "    = fix: delete the paragraph",
    ]


def test_no_colour_when_not_a_terminal(articles, capsys):
    main(["check", *SELECT])

    assert "\x1b[" not in capsys.readouterr().out


def test_force_color_colours_piped_output(articles, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")

    main(["check", *SELECT, "news/harbour.md"])

    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("\x1b[1mnews/harbour.md\x1b[0m:5:17: \x1b[1mmarker\x1b[0m [\x1b[33mwarning\x1b[0m] "
                     "XXX left in the text")


def test_no_color_wins_over_force_color(articles, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")

    main(["check", *SELECT])

    assert "\x1b[" not in capsys.readouterr().out


def test_colour_on_a_terminal(articles, monkeypatch):
    """Standard output is a real pseudo-terminal: findings are coloured, the error severity in red."""
    master, slave = pty.openpty()
    terminal = os.fdopen(slave, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", terminal)
    try:
        main(["check", *SELECT, "news/latin.txt"])
        terminal.flush()
        shown = _read_available(master)
    finally:
        terminal.close()
        os.close(master)
    assert "\x1b[1;31merror\x1b[0m" in shown
    assert "Found 1 finding (1 error) in 1 of 1 file." in shown


def _read_available(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 0.2)[0]:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks).decode("utf-8", "replace")


# --- progress bar ---------------------------------------------------------------------------------

SLOW_PLUGIN = '''\
import time

from qualitycheck import Rule, hookimpl


def check_slowly(document, context):
    time.sleep(0.2)
    return []


@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="slow", code="QX040", summary="Takes its time", check=check_slowly)]
'''


@pytest.fixture
def slow_project(tmp_path):
    """Eight articles and a rule that takes 0.2 s each: a run of about 1.6 s."""
    write(tmp_path, "slow.py", SLOW_PLUGIN)
    write(tmp_path, "rules.yaml", "plugins: [slow.py]\n")
    for number in range(8):
        write(tmp_path, f"news/story{number}.txt", f"Story number {number} about the weather.\n")
    return tmp_path


def _run_check(folder, stderr_is_terminal: bool, *options: str, **env_changes) -> tuple[int, str, str]:
    """Run `qualitycheck check` in a subprocess; returns (exit code, stdout, what reached stderr)."""
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm", COLUMNS="100", **env_changes)
    command = [sys.executable, "-m", "qualitycheck", "check", "--no-cache", "--jobs", "1", "--select", "slow",
               *options, "news"]
    if not stderr_is_terminal:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # rows, columns
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=slave,
                               stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    out = process.stdout.read().decode("utf-8")
    process.stdout.close()
    code = process.wait(timeout=60)
    os.close(master)
    return code, out, b"".join(chunks).decode("utf-8", "replace")


def test_a_long_run_on_a_terminal_shows_a_progress_bar(slow_project):
    code, out, terminal = _run_check(slow_project, stderr_is_terminal=True)

    assert code == 0
    assert out == "No findings in 8 files.\n"
    assert "Checking:" in terminal
    assert "/8 [" in terminal  # tqdm's "n/total [elapsed<remaining, rate]"
    assert "file/s" in terminal or "s/file" in terminal


def test_no_progress_bar_with_ci_set(slow_project):
    code, out, terminal = _run_check(slow_project, stderr_is_terminal=True, CI="true")

    assert code == 0
    assert out == "No findings in 8 files.\n"
    assert terminal == ""


def test_no_progress_bar_when_stderr_is_piped(slow_project):
    code, out, err = _run_check(slow_project, stderr_is_terminal=False)

    assert (code, out, err) == (0, "No findings in 8 files.\n", "")


def test_no_progress_option_turns_the_bar_off(slow_project):
    code, out, terminal = _run_check(slow_project, True, "--no-progress")

    assert (code, out, terminal) == (0, "No findings in 8 files.\n", "")


def test_the_bar_appears_only_after_the_delay():
    now = [0.0]
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=1.0, clock=lambda: now[0])
    bar.files_found(10)

    bar(3)
    now[0] = 0.9
    bar(1)
    assert stream.getvalue() == "" and not bar.shown
    now[0] = 1.2
    bar(1)
    assert bar.shown
    assert "5/10" in stream.getvalue()
    bar.close()
    assert not bar.shown


def test_a_shown_bar_starts_no_thread_so_the_run_can_still_fork():
    import threading

    from qualitycheck.forking import can_fork

    bar = ProgressBar(io.StringIO(), delay=0.0)
    bar.files_found(4)
    bar(1)
    assert bar.shown
    assert threading.active_count() == 1 and can_fork()  # the cache writer forks while the bar is up
    bar.close()


@pytest.mark.parametrize("value, expected", [("true", True), ("1", True), ("yes", True), ("", False),
                                             ("false", False), ("0", False)])
def test_ci_variable(value, expected):
    assert in_ci({"CI": value}) is expected


def test_no_bar_on_a_dumb_terminal_or_a_plain_stream():
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w") as terminal:
            assert wants_progress(terminal, {"TERM": "xterm"}) is True
            assert wants_progress(terminal, {"TERM": "dumb"}) is False
            assert wants_progress(terminal, {"TERM": "xterm", "CI": "true"}) is False
    finally:
        os.close(master)
    assert wants_progress(io.StringIO(), {}) is False
