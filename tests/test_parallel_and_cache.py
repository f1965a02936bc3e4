"""`--jobs` and the findings cache: the same report whatever the schedule, and only changed files re-checked.

The corpus is 42 generated articles in 38 files (Markdown, text and two JSONL
files), enough to cross the threshold above which files are checked in
worker processes, with debris for every built-in rule. A local plugin
(`recorder.py`) adds a document rule and a corpus rule that append each call
to `calls.log`, so the tests see which files a run really checked.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
from pathlib import Path

import pytest

from qualitycheck import filedigest
from qualitycheck.cache import BACKGROUND_ENTRIES, SCHEMA_VERSION
from qualitycheck.cli import main
from qualitycheck.execution import PARALLEL_THRESHOLD
from qualitycheck.runner import PARALLEL_CORPUS_DOCUMENTS

WORDS = ("canal lock keeper barge towpath heron mill weir orchard cider press bakery ferry pier gull tide "
         "quarry chalk kiln potter glaze loom weaver dye wool market square fountain clock tower bell choir "
         "organ library archive ledger map survey beacon lantern harbour crane dock warehouse rope sail "
         "the a of and to in on with for at by from after before").split()

RECORDER = '''\
"""Test plugin: records every call of its rules in calls.log (pid included)."""

import os

from qualitycheck import Issue, Rule, Severity, hookimpl

MESSAGE = "marker left in the text"


def _log(what):
    with open(os.path.join(os.getcwd(), "calls.log"), "a", encoding="utf-8") as handle:
        handle.write(f"{what} {os.getpid()}\\n")


def check_markers(document, context):
    _log(f"check {document.path}#{document.record or ''}")
    for number, line in enumerate(document.lines, start=1):
        column = line.find("XXFIXME")
        if column >= 0:
            yield Issue(message=MESSAGE, line=number, column=column + 1, end_column=column + 8)


def collect_length(document, context):
    _log(f"collect {document.path}#{document.record or ''}")
    return len(document.text)


def check_longest(entries, context):
    _log("corpus")
    longest = max(entries, key=lambda e: (e.data, e.ref.path, e.ref.record or ""))
    if longest.is_target:
        yield Issue(message=f"the longest article ({longest.data} characters)", line=1, column=1,
                    document=longest.ref)


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(name="marker", code="TS001", summary="A marker", check=check_markers,
             default_severity=Severity.WARNING),
        Rule(name="longest", code="TS002", summary="The longest article", check=check_longest,
             collect=collect_length, scope="corpus", default_severity=Severity.INFO),
    ]
'''

AS_OF = ["--as-of", "2026-01-15", "--exit-zero", "--format", "json"]


def _sentence(rng: random.Random) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 16)))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))


def _body(rng: random.Random, number: int) -> str:
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(4, 7))]
    kind = number % 7
    if kind == 0:
        paragraphs.insert(1, "Enjoying our coverage?\nWe rely on readers like you. Chip in $3 a month.\nNot now")
    elif kind == 1:
        paragraphs.insert(2, "Related article: Lantern Festival Moves To The Old Quay")
    elif kind == 2:
        words = paragraphs[0].split()
        lines, line = [], ""
        for word in words:  # hard-wrapped at 64 columns, as PDF text
            if line and len(line) + 1 + len(word) > 64:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        paragraphs[0] = "\n".join(lines + [line])
    elif kind == 3:
        paragraphs.append(paragraphs[1])
    elif kind == 4:
        paragraphs.insert(1, "https://harbour.example.org/2027/03/02/lantern-festival-moves-to-the-old-quay")
    elif kind == 5:
        paragraphs[1] += " XXFIXME"
    return "\n\n".join(paragraphs) + "\n"


def write_corpus(root: Path) -> list[Path]:
    """38 files, 42 articles; article 9 is a copy of article 8."""
    rng = random.Random(41)
    files = []
    bodies = []
    for number in range(36):
        body = bodies[-1] if number == 9 else _body(rng, number)
        bodies.append(body)
        if number % 4 == 3:
            path = root / "news" / f"a{number:02d}.txt"
            text = f"Harbour Notes {number}\n\n{body}"
        else:
            path = root / "news" / f"a{number:02d}.md"
            text = f"---\ntitle: Harbour Notes {number}\ndate: 2024-0{1 + number % 9}-1{number % 10}\n---\n\n{body}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files.append(path)
    for batch in range(2):
        path = root / "feeds" / f"batch{batch}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        records = [{"id": f"r{batch}{n}", "title": f"Feed {batch}-{n}", "text": _body(rng, 10 * batch + n)}
                   for n in range(3)]
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        files.append(path)
    (root / "recorder.py").write_text(RECORDER, encoding="utf-8")
    (root / "rules.yaml").write_text('version: 1\ninclude: ["news/**", "feeds/**"]\nplugins: [recorder.py]\n',
                                     encoding="utf-8")
    return files


@pytest.fixture
def corpus(tmp_path) -> list[Path]:
    files = write_corpus(tmp_path)
    assert len(files) >= PARALLEL_THRESHOLD * 2
    return files


def check(capsys, report_validator, *args: str) -> str:
    """The JSON report of one `check` run, as printed (validated against the schema)."""
    log = Path("calls.log")
    if log.exists():
        log.unlink()
    assert main(["check", *AS_OF, *args]) == 0
    out = capsys.readouterr().out
    report_validator(json.loads(out))
    return out


def calls() -> list[tuple[str, str, int]]:
    """(what, document, pid) of every rule call of the last run, in the order they happened."""
    log = Path("calls.log")
    if not log.exists():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        entries.append((parts[0], parts[1] if len(parts) == 3 else "", int(parts[-1])))
    return entries


def checked_documents() -> list[str]:
    return sorted(document for what, document, _ in calls() if what == "check")


def test_jobs_1_and_jobs_2_give_byte_identical_reports(corpus, capsys, report_validator):
    one = check(capsys, report_validator, "--no-cache", "--jobs", "1")
    assert {pid for _, _, pid in calls()} == {os.getpid()}
    two = check(capsys, report_validator, "--no-cache", "--jobs", "2")
    checking_pids = {pid for what, _, pid in calls() if what in ("check", "collect")}
    assert len(checking_pids) == 2 and os.getpid() in checking_pids  # this process and one forked worker
    corpus_pids = [pid for what, _, pid in calls() if what == "corpus"]
    assert corpus_pids == [os.getpid()]  # corpus rules once, here, on what both processes collected
    assert two == one
    findings = json.loads(one)["findings"]
    rules = {f["rule"] for f in findings}
    assert {"ad-text", "related-article", "broken-wrap", "duplicate-paragraph", "future-url", "duplicate-article",
            "marker", "longest"} <= rules
    assert [(f["path"], f["record"], f["line"]) for f in findings if f["rule"] == "marker"] == [
        ("feeds/batch1.jsonl", "r12", 3), ("news/a05.md", None, 8), ("news/a12.md", None, 8),
        ("news/a19.txt", None, 5), ("news/a26.md", None, 8), ("news/a33.md", None, 8)]


def test_a_warm_cache_gives_the_cold_report_byte_for_byte_without_checking_anything(
        corpus, capsys, report_validator):
    reference = check(capsys, report_validator, "--no-cache", "--jobs", "1")
    cold = check(capsys, report_validator, "--jobs", "2")
    assert len(checked_documents()) == 42
    assert Path(".qualitycheck/cache", f"findings-v{SCHEMA_VERSION}.sqlite").is_file()
    warm = check(capsys, report_validator, "--jobs", "2")
    assert calls() == []  # no document rule, no collect, and the corpus rules' result came from the cache too
    warm_one_job = check(capsys, report_validator, "--jobs", "1")
    assert calls() == []
    assert cold == reference
    assert warm == reference
    assert warm_one_job == reference


def test_a_large_cold_run_writes_every_entry_from_its_background_writer(corpus, capsys, report_validator):
    rng = random.Random(7)
    for number in range(BACKGROUND_ENTRIES):  # enough entries for the cache to write them from a forked child
        Path("news", f"brief{number:03d}.txt").write_text(f"Brief {number}\n\n{_paragraph(rng)}\n", encoding="utf-8")
    reference = check(capsys, report_validator, "--no-cache", "--jobs", "1")
    cold = check(capsys, report_validator, "--jobs", "2")
    assert len(checked_documents()) == 42 + BACKGROUND_ENTRIES
    warm = check(capsys, report_validator, "--jobs", "2")
    assert calls() == []
    assert cold == warm == reference


def test_corpus_rules_of_a_large_corpus_run_side_by_side_with_the_same_report(corpus, capsys, report_validator):
    rng = random.Random(11)
    records = [{"id": f"n{n:04d}", "text": _body(rng, n) if n % 25 == 0 else _paragraph(rng)}
               for n in range(PARALLEL_CORPUS_DOCUMENTS)]
    records.append({"id": "n9999", "text": records[50]["text"]})  # a copy: duplicate-article across processes
    Path("feeds", "archive.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    one = check(capsys, report_validator, "--no-cache", "--jobs", "1")
    two = check(capsys, report_validator, "--no-cache", "--jobs", "2")
    assert [what for what, _, _ in calls()].count("corpus") == 1  # each corpus rule once, in one process
    assert two == one
    found = {(f["rule"], f["record"]) for f in json.loads(two)["findings"] if f["path"] == "feeds/archive.jsonl"}
    assert {("duplicate-article", "n0050"), ("duplicate-article", "n9999")} <= found
    assert {"ad-text", "related-article", "duplicate-article"} <= {rule for rule, _ in found}


LOCAL_CLASS_RULES = '''\
"""Test plugin: corpus rules whose issues hold an instance of a class pickle cannot find by name."""

import os
import time

from qualitycheck import Issue, Rule, Severity, hookimpl


def collect_length(document, context):
    return len(document.text)


def _pick(name, index):
    def check(entries, context):
        with open("local.log", "a", encoding="utf-8") as log:
            log.write(f"{name} {os.getpid()}\\n")
        time.sleep(0.3)  # long enough that the other rule is claimed by the other process meanwhile

        class Note(str):
            """Defined inside the function: pickle cannot take its instances."""

        chosen = sorted(entries, key=lambda e: (e.ref.path, e.ref.record or ""))[index]
        yield Issue(message=Note(f"the {name} article of the corpus"), line=1, column=1, document=chosen.ref)
    return check


@hookimpl
def qualitycheck_register_rules():
    return [Rule(name=f"pick-{name}", code=f"TS10{code}", summary="An article", check=_pick(name, index),
                 collect=collect_length, scope="corpus", default_severity=Severity.INFO)
            for code, (name, index) in enumerate((("first", 0), ("last", -1)))]
'''


def test_a_corpus_rule_whose_issues_cannot_cross_a_pipe_is_run_again_here(corpus, capsys, report_validator):
    Path("local_class.py").write_text(LOCAL_CLASS_RULES, encoding="utf-8")
    Path("rules.yaml").write_text('version: 1\ninclude: ["news/**", "feeds/**"]\nplugins: [local_class.py]\n',
                                  encoding="utf-8")
    rng = random.Random(5)
    records = [{"id": f"n{n:04d}", "text": _paragraph(rng)} for n in range(PARALLEL_CORPUS_DOCUMENTS)]
    Path("feeds", "archive.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    selected = ["--select", "pick-first,pick-last"]
    one = check(capsys, report_validator, "--no-cache", "--jobs", "1", *selected)
    Path("local.log").unlink()
    two = check(capsys, report_validator, "--jobs", "2", *selected)  # the cache stores the corpus result too
    runs = [line.split() for line in Path("local.log").read_text(encoding="utf-8").splitlines()]
    in_child = {name for name, pid in runs if int(pid) != os.getpid()}
    assert len(in_child) == 1 and [name for name, _ in runs].count(in_child.pop()) == 2  # and done again here
    assert two == one
    assert [(f["rule"], f["record"], f["message"]) for f in json.loads(two)["findings"]] == [
        ("pick-first", "n0000", "the first article of the corpus"),
        ("pick-last", None, "the last article of the corpus")]
    assert check(capsys, report_validator, "--jobs", "2", *selected) == one  # and the warm run reads it back


def test_editing_one_file_rechecks_only_that_file(corpus, capsys, report_validator):
    check(capsys, report_validator)
    edited = Path("news/a14.md")
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA late XXFIXME paragraph about the weir.\n",
                      encoding="utf-8")
    after = check(capsys, report_validator)
    assert checked_documents() == ["news/a14.md#"]
    assert sorted(d for what, d, _ in calls() if what == "collect") == ["news/a14.md#"]
    assert [what for what, _, _ in calls()].count("corpus") == 1  # corpus rules see the new text
    assert after == check(capsys, report_validator, "--no-cache")
    marker_paths = [f["path"] for f in json.loads(after)["findings"] if f["rule"] == "marker"]
    assert "news/a14.md" in marker_paths


def test_checking_a_subset_reuses_results_and_reports_like_a_fresh_run(corpus, capsys, report_validator):
    check(capsys, report_validator)
    subset = check(capsys, report_validator, "news/a01.md", "news/a02.md")
    # Nothing re-checked or re-collected: the context files' collected data comes from their results as targets.
    assert [what for what, _, _ in calls()] == ["corpus"]
    assert subset == check(capsys, report_validator, "--no-cache", "news/a01.md", "news/a02.md")


def test_a_corrupt_cache_database_is_ignored_and_rewritten(corpus, capsys, report_validator):
    reference = check(capsys, report_validator)
    database = Path(".qualitycheck/cache", f"findings-v{SCHEMA_VERSION}.sqlite")
    database.write_bytes(b"this is not a SQLite database" * 100)
    again = check(capsys, report_validator)
    assert len(checked_documents()) == 42
    assert again == reference
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] == 38
    assert check(capsys, report_validator) == reference
    assert calls() == []


def test_a_corrupt_entry_is_ignored_and_rewritten(corpus, capsys, report_validator):
    reference = check(capsys, report_validator)
    database = Path(".qualitycheck/cache", f"findings-v{SCHEMA_VERSION}.sqlite")
    with sqlite3.connect(database) as db:
        assert db.execute("UPDATE results SET value = X'8004deadbeef' WHERE path LIKE 'news/a06.md%'").rowcount == 1
        assert db.execute("UPDATE results SET collected = X'00' WHERE path LIKE 'news/a20.md%'").rowcount == 1
        assert db.execute("UPDATE corpus SET value = X'80'").rowcount == 1
    again = check(capsys, report_validator)
    assert checked_documents() == ["news/a06.md#", "news/a20.md#"]
    assert again == reference
    assert check(capsys, report_validator) == reference
    assert calls() == []  # both entries and the corpus result were written again


def test_no_cache_writes_nothing(corpus, capsys, report_validator, tmp_path):
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    check(capsys, report_validator, "--no-cache")
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.name != "calls.log")
    assert after == before
    assert not Path(".qualitycheck").exists()


def test_cache_dir_option_puts_the_cache_elsewhere(corpus, capsys, report_validator, tmp_path):
    reference = check(capsys, report_validator, "--cache-dir", "elsewhere")
    assert not Path(".qualitycheck").exists()
    assert Path("elsewhere", f"findings-v{SCHEMA_VERSION}.sqlite").is_file()
    assert check(capsys, report_validator, "--cache-dir", "elsewhere") == reference
    assert calls() == []


def test_editing_a_local_plugin_file_invalidates_cached_results(corpus, capsys, report_validator):
    before = json.loads(check(capsys, report_validator))
    assert {f["message"] for f in before["findings"] if f["rule"] == "marker"} == {"marker left in the text"}
    plugin = Path("recorder.py")
    plugin.write_text(plugin.read_text(encoding="utf-8").replace(
        'MESSAGE = "marker left in the text"', 'MESSAGE = "a marker is still in the text"'), encoding="utf-8")
    after = json.loads(check(capsys, report_validator))
    assert len(checked_documents()) == 42
    assert {f["message"] for f in after["findings"] if f["rule"] == "marker"} == {"a marker is still in the text"}


def test_changing_an_option_invalidates_cached_results(corpus, capsys, report_validator):
    check(capsys, report_validator)
    config = Path("rules.yaml")
    config.write_text(config.read_text(encoding="utf-8") + "rules:\n  broken-wrap:\n    options:\n"
                                                            "      min-width: 70\n", encoding="utf-8")
    after = json.loads(check(capsys, report_validator))
    assert len(checked_documents()) == 42
    assert not [f for f in after["findings"] if f["rule"] == "broken-wrap"]  # wrapped at 64: now too narrow


def _remembered() -> dict[str, int]:
    """Files whose content digest the cache remembers under their stat data: path -> size."""
    database = Path(".qualitycheck/cache", f"findings-v{SCHEMA_VERSION}.sqlite")
    with sqlite3.connect(database) as db:
        return {Path(name).relative_to(Path.cwd()).as_posix(): size
                for name, size in db.execute("SELECT name, size FROM digests")}


def test_files_written_moments_ago_are_not_remembered_by_their_stat(corpus, capsys, report_validator):
    reference = check(capsys, report_validator)
    assert check(capsys, report_validator) == reference
    assert _remembered() == {}  # written less than SETTLE_NS ago: a second write could share their timestamps


def test_an_unchanged_file_is_known_by_its_stat_without_being_read(corpus):
    path = Path("news/a03.txt")
    digest, row = filedigest.file_digest(path, {})
    assert digest == filedigest.content_digest(path.read_bytes()) and row is None  # written just now
    info = os.stat(path)
    stamp = filedigest.Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    name = filedigest.memo_name(path)
    assert filedigest.file_digest(path, {name: (stamp, "what was read before")}) == ("what was read before", None)
    assert filedigest.file_digest(path, {name: (stamp._replace(size=1), "stale")})[0] == digest


def test_a_file_is_checked_as_it_was_when_its_digest_was_taken(tmp_path):
    from qualitycheck.reading import handed_over, read_text_file

    path = tmp_path / "story.txt"
    path.write_text("The first draft.\n", encoding="utf-8")
    digest, _, data = filedigest.read_and_digest(path, {})
    path.write_text("An edit saved in between.\n", encoding="utf-8")  # what a cache key must not be paired with
    with handed_over(path, data):
        assert read_text_file(path) == "The first draft.\n"
    assert digest == filedigest.content_digest(b"The first draft.\n")
    assert read_text_file(path) == "An edit saved in between.\n"  # outside the check, the disk as it is


def test_an_edit_that_keeps_the_size_and_modification_time_is_still_checked(corpus, capsys, report_validator,
                                                                            monkeypatch):
    monkeypatch.setattr(filedigest, "SETTLE_NS", 0)  # remember the articles although they were written just now
    check(capsys, report_validator)
    assert len(_remembered()) == 38
    edited = Path("news/a14.md")
    before = os.stat(edited)
    lines = edited.read_text(encoding="utf-8").split("\n")
    line, word = next((number, w) for number, text in enumerate(lines, start=1) if number > 5
                      for w in text.split() if len(w) == 7 and w.isalpha())
    lines[line - 1] = lines[line - 1].replace(word, "XXFIXME", 1)  # the same number of bytes
    edited.write_text("\n".join(lines), encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (os.stat(edited).st_size, os.stat(edited).st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    after = json.loads(check(capsys, report_validator))
    assert checked_documents() == ["news/a14.md#"]
    assert ("news/a14.md", line) in {(f["path"], f["line"]) for f in after["findings"] if f["rule"] == "marker"}


UNSENDABLE = '''\
"""Test plugin: a corpus rule whose collect returns a generator, which cannot cross between processes."""

from qualitycheck import Rule, Severity, hookimpl


def collect_lazily(document, context):
    return (line for line in document.lines)


def check_nothing(entries, context):
    return []


@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="lazy-collector", code="TS003", summary="Collects a generator", check=check_nothing,
                 collect=collect_lazily, scope="corpus", default_severity=Severity.INFO)]
'''

DYING = '''\
"""Test plugin: a rule that ends the process it runs in, unless that is the process that imported it."""

import os

from qualitycheck import Rule, Severity, hookimpl

PARENT = os.getpid()


def check_and_die(document, context):
    if os.getpid() != PARENT:
        os._exit(EXIT_STATUS)
    return []


@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="dying", code="TS004", summary="Dies in workers", check=check_and_die,
                 default_severity=Severity.INFO)]
'''


def test_data_a_plugin_collects_that_cannot_be_pickled_is_that_rules_error_and_the_run_goes_on(
        corpus, capsys, report_validator):
    Path("lazy.py").write_text(UNSENDABLE, encoding="utf-8")
    Path("rules.yaml").write_text('version: 1\ninclude: ["news/**", "feeds/**"]\nplugins: [recorder.py, lazy.py]\n',
                                  encoding="utf-8")
    assert main(["check", *AS_OF, "--jobs", "2"]) == 2
    report = json.loads(capsys.readouterr().out)
    report_validator(report)
    documents = 42
    assert len(report["errors"]) == documents
    assert {(e["rule"], e["plugin"], e["error"]) for e in report["errors"]} == {
        ("lazy-collector", "lazy.py", "what collect returned cannot be pickled: TypeError: cannot pickle "
                                      "'generator' object")}
    assert ("feeds/batch0.jsonl", "r00") in {(e["path"], e["record"]) for e in report["errors"]}
    assert {f["rule"] for f in report["findings"]} >= {"marker", "longest", "duplicate-article", "ad-text"}


@pytest.mark.parametrize(("status", "message"), [
    (3, r"a worker process \(pid \d+\) ended without sending its results"),
    (0, r"a worker process ended without sending all its results")])
def test_a_worker_process_that_dies_stops_the_run_with_a_one_line_error(corpus, capsys, status, message):
    Path("dying.py").write_text(DYING.replace("PARENT = os.getpid()", f"PARENT = os.getpid()\nEXIT_STATUS = {status}"),
                                encoding="utf-8")
    Path("rules.yaml").write_text('version: 1\ninclude: ["news/**", "feeds/**"]\nplugins: [dying.py]\n',
                                  encoding="utf-8")
    assert main(["check", *AS_OF, "--no-cache", "--jobs", "2"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(rf"error: {message}; run with --jobs 1 to check every file in this process\n", captured.err)
    assert main(["check", *AS_OF, "--no-cache", "--jobs", "1"]) == 0  # in this process the rule does not die
