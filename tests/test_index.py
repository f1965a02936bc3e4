"""The archive index: `qualitycheck index build|update`, and `check NEW_FILES` against it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from duplicate_fixtures import (
    DREDGING,
    FLOOD_EVACUATION,
    FLOOD_INSURANCE,
    ORCHARD,
    PLANT_BUSINESS,
    PLANT_LOCAL,
    TELESCOPE,
    clean,
    curly,
    jsonl,
    markdown,
    truncated,
    with_boilerplate,
    wrapped,
)
from qualitycheck.cli import main

INDEX = Path(".qualitycheck/index.sqlite")
MISMATCH = ("error: .qualitycheck/index.sqlite: index was built with other settings for rule 'duplicate-article' "
            "(its options, or the rule's code changed); run `qualitycheck index build` to rebuild it\n")


def write(path: str, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def archive() -> None:
    write("news/dredging.md", markdown(DREDGING, "Harbour Board Approves Dredging Levy"))
    write("news/telescope.md", markdown(TELESCOPE, "Solar Telescope Opens"))
    write("news/orchard.txt", clean(ORCHARD))
    write("news/flood.md", markdown(FLOOD_EVACUATION, "Families Leave Riverside Streets"))
    write("wire/2022-05.jsonl", jsonl([("plant-1", clean(PLANT_LOCAL)), ("plant-2", clean(PLANT_BUSINESS))]))


def incoming() -> None:
    write("incoming/dredging-print.txt", wrapped(DREDGING))
    write("incoming/telescope-page.txt", curly(with_boilerplate(TELESCOPE)))
    write("incoming/plant.md", markdown(PLANT_LOCAL, "Battery plant"))


def report(capsys, report_validator, *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--no-cache", "--format", "json"])
    captured = capsys.readouterr()
    assert captured.err == ""
    return code, report_validator(json.loads(captured.out))


def duplicates(capsys, report_validator, *args: str) -> list[tuple]:
    code, data = report(capsys, report_validator, *args, "--select", "duplicate-article")
    assert code in (0, 1)
    return [(f["path"], f["record"], f["message"], [(r["path"], r["record"], r["line"]) for r in f["related"]])
            for f in data["findings"]]


def build(capsys, *args: str) -> str:
    assert main(["index", "build", *args]) == 0
    return capsys.readouterr().out


def backdate(*paths: str, seconds: int = 3600) -> None:
    """Files last modified an hour ago: outside the window in which the index re-hashes them."""
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then))


def archive_files() -> list[str]:
    return sorted(str(p) for p in Path(".").rglob("*") if p.is_file() and ".qualitycheck" not in p.parts)


def test_build_reports_what_it_indexed(capsys):
    archive()

    out = build(capsys)

    assert out.startswith("indexed 6 documents from 5 files in ")
    assert out.endswith(" s: .qualitycheck/index.sqlite\n")
    with sqlite3.connect(INDEX) as db:
        assert [r[0] for r in db.execute("SELECT path FROM files ORDER BY path")] == [
            "news/dredging.md", "news/flood.md", "news/orchard.txt", "news/telescope.md", "wire/2022-05.jsonl"]
        assert db.execute("SELECT COUNT(*) FROM keys k JOIN rules r ON r.id = k.rule "
                          "WHERE r.name = 'duplicate-article'").fetchone()[0] == 6 * 42


def test_checking_new_files_against_the_index_gives_the_full_run_findings(capsys, report_validator):
    archive()
    backdate(*archive_files())
    build(capsys)
    incoming()

    with_index = duplicates(capsys, report_validator, "incoming")
    without = duplicates(capsys, report_validator, "incoming", "--no-index")

    assert with_index == without == [
        ("incoming/dredging-print.txt", None, "same article as news/dredging.md (identical text after normalizing)",
         [("news/dredging.md", None, 5)]),
        ("incoming/plant.md", None, "same article as wire/2022-05.jsonl#plant-1 (100% of this text's shingles "
                                    "appear there)", [("wire/2022-05.jsonl", "plant-1", 1)]),
        ("incoming/telescope-page.txt", None, "same article as news/telescope.md (100% of its shingles appear here, "
                                              "70% of this text's appear there)", [("news/telescope.md", None, 5)]),
    ]


def test_every_rule_gives_the_same_report_with_and_without_the_index(capsys, report_validator):
    archive()
    backdate(*archive_files())
    build(capsys)
    incoming()

    code_index, with_index = report(capsys, report_validator, "incoming", "--as-of", "2022-06-01")
    code_full, without = report(capsys, report_validator, "incoming", "--as-of", "2022-06-01", "--no-index")

    assert code_index == code_full == 1
    assert with_index["findings"] == without["findings"]
    assert with_index["summary"] == without["summary"]


def test_unchanged_archive_files_are_not_read_again(capsys, report_validator):
    archive()
    backdate(*archive_files())
    build(capsys)
    incoming()
    # Other words, same size and mtime: like git, the index trusts the stat and does not read the file.
    path = Path("news/dredging.md")
    stat = os.stat(path)
    path.write_text(path.read_text(encoding="utf-8").translate(str.maketrans(
        "abcdefghijklmnopqrstuvwxyz", "bcdefghijklmnopqrstuvwxyza")), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    with_index = duplicates(capsys, report_validator, "incoming/dredging-print.txt")
    without = duplicates(capsys, report_validator, "incoming/dredging-print.txt", "--no-index")

    assert [f[3] for f in with_index] == [[("news/dredging.md", None, 5)]]
    assert without == []


def test_a_file_modified_just_before_the_build_is_verified_by_its_content(capsys, report_validator):
    archive()
    build(capsys)  # the files were written moments ago: their mtime cannot be trusted alone
    incoming()
    path = Path("news/dredging.md")
    stat = os.stat(path)
    path.write_text(path.read_text(encoding="utf-8").translate(str.maketrans(
        "abcdefghijklmnopqrstuvwxyz", "bcdefghijklmnopqrstuvwxyza")), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert duplicates(capsys, report_validator, "incoming/dredging-print.txt") == []


def test_archive_files_changed_added_or_deleted_since_the_index_are_seen(capsys, report_validator):
    archive()
    backdate(*archive_files())
    build(capsys)
    incoming()
    write("news/dredging.md", markdown(ORCHARD, "Frost"))  # the dredging article is gone from here...
    write("news/dredging-copy.txt", clean(DREDGING))  # ...and arrives here, after the index was built
    Path("news/telescope.md").unlink()

    with_index = duplicates(capsys, report_validator, "incoming")

    # The edited file is re-read (no longer a copy), the deleted one dropped; the added file is
    # not in the index, so it is not context until `index update` (the archive is not walked).
    assert [(f[0], [r[0] for r in f[3]]) for f in with_index] == [("incoming/plant.md", ["wire/2022-05.jsonl"])]
    assert main(["index", "update"]) == 0
    capsys.readouterr()
    with_index = duplicates(capsys, report_validator, "incoming")
    without = duplicates(capsys, report_validator, "incoming", "--no-index")
    assert with_index == without
    assert [(f[0], [r[0] for r in f[3]]) for f in with_index] == [
        ("incoming/dredging-print.txt", ["news/dredging-copy.txt"]),
        ("incoming/plant.md", ["wire/2022-05.jsonl"]),
    ]


TEMPLATE = "Valley Courier - regional edition\nPrinted from the morning pages\n"


def site_archive() -> None:
    """Articles sharing a site template (two lines), with titles and URLs that promos can name."""
    bodies = [DREDGING, TELESCOPE, ORCHARD, FLOOD_EVACUATION, PLANT_LOCAL, PLANT_BUSINESS]
    titles = ["Harbour Board Approves Dredging Levy", "Solar Telescope Opens On The Ridge",
              "Frost Threatens Valley Orchards", "Families Leave Riverside Streets", "Battery Plant Hires Locals",
              "Battery Maker Expands Output"]
    for number, (body, title) in enumerate(zip(bodies, titles)):
        slug = title.lower().replace(" ", "-")
        write(f"site/a{number}.md", f"---\ntitle: {title}\nurl: https://paper.example.org/2022/05/{slug}\n---\n"
                                    f"{TEMPLATE}\n{clean(body)}")


def incoming_with_debris() -> None:
    write("incoming/promo.txt", f"{TEMPLATE}\nThe ferry timetable changes on Monday for the winter season.\n\n"
                                "Read also: Frost Threatens Valley Orchards\n\n"
                                "https://paper.example.org/2022/05/battery-maker-expands-output\n\n"
                                "Commuters are asked to check the new departure times before travelling.\n")


@pytest.mark.parametrize("change", ["none", "edited", "deleted"])
def test_every_rule_matches_a_full_run_with_context_files_edited_or_deleted(capsys, report_validator, change):
    site_archive()
    backdate(*archive_files())
    build(capsys)
    incoming_with_debris()
    if change == "edited":  # one fewer article with the template, and the promoted title is gone
        write("site/a2.md", "---\ntitle: Something else\n---\n" + clean(ORCHARD))
    elif change == "deleted":
        Path("site/a5.md").unlink()
    args = ("incoming/promo.txt", "site/a1.md", "--as-of", "2022-06-01")

    code_index, with_index = report(capsys, report_validator, *args)
    code_full, without = report(capsys, report_validator, *args, "--no-index")

    assert code_index == code_full == 1
    assert with_index["findings"] == without["findings"]
    rules = {(f["path"], f["rule"]) for f in with_index["findings"]}
    assert {("incoming/promo.txt", "ad-text"), ("incoming/promo.txt", "related-article"),
            ("site/a1.md", "ad-text")} <= rules
    messages = " ".join(f["message"] for f in with_index["findings"])
    others = {"none": 6, "edited": 5, "deleted": 5}[change]
    assert f"the same lines are in {others} other articles (site template)" in messages
    assert ('names "Frost Threatens Valley Orchards" in this archive' in messages) == (change != "edited")
    assert ('names "Battery Maker Expands Output" in this archive' in messages) == (change != "deleted")


def test_the_index_loads_only_the_documents_the_targets_need(capsys, report_validator):
    site_archive()
    backdate(*archive_files())
    build(capsys)
    incoming_with_debris()
    from qualitycheck.config import load_config
    from qualitycheck.index import open_view
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import check_file, make_plan
    import datetime as dt

    config = load_config(None)
    registry = load_registry(config)
    plan = make_plan(config, registry, build_ruleset(config, registry), dt.date(2022, 6, 1))
    target = check_file(plan, Path("incoming/promo.txt"), "incoming/promo.txt")
    view = open_view(config, plan)
    context = view.context(target.collected, ["incoming/promo.txt"])
    view.close()

    # related-article: the two articles the promos name; ad-text: counts only, no documents.
    assert sorted((d.ref.path, sorted(d.data)) for d in context.documents) == [
        ("site/a2.md", ["related-article"]), ("site/a5.md", ["related-article"])]
    assert context.stale == []
    assert sorted(context.key_counts["ad-text"].values()) == [6, 6]


def test_update_replaces_changed_files_adds_new_and_drops_deleted(capsys, report_validator):
    archive()
    backdate(*archive_files())
    build(capsys)
    write("news/orchard.txt", clean(DREDGING))  # edited
    write("news/teaser.txt", truncated(TELESCOPE, 3))  # new
    Path("news/flood.md").unlink()  # deleted

    assert main(["index", "update"]) == 0

    assert capsys.readouterr().out == ("updated .qualitycheck/index.sqlite: 1 added, 1 changed, 1 removed, "
                                       "3 unchanged\n")
    with sqlite3.connect(INDEX) as db:
        assert [r[0] for r in db.execute("SELECT path FROM files ORDER BY path")] == [
            "news/dredging.md", "news/orchard.txt", "news/teaser.txt", "news/telescope.md", "wire/2022-05.jsonl"]
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 6
        assert db.execute("SELECT COUNT(*) FROM keys WHERE rule = (SELECT id FROM rules WHERE name = "
                          "'duplicate-article')").fetchone()[0] == 6 * 42
    write("incoming/print.txt", wrapped(DREDGING))
    assert duplicates(capsys, report_validator, "incoming") == duplicates(capsys, report_validator, "incoming",
                                                                          "--no-index")
    assert main(["index", "update"]) == 0  # the check ran one corpus rule of three: it stored nothing
    assert capsys.readouterr().out == ("updated .qualitycheck/index.sqlite: 1 added, 0 changed, 0 removed, "
                                       "5 unchanged\n")


def indexed_files() -> dict[str, int]:
    """Path -> id of every file the index holds (a file stored again gets a new id)."""
    with sqlite3.connect(INDEX) as db:
        return dict(db.execute("SELECT path, id FROM files"))


# duplicate-article is then the only corpus rule: `--select duplicate-article` runs all the index holds
ONLY_DUPLICATES = "version: 1\nrules:\n  ad-text: {enabled: false}\n  related-article: {enabled: false}\n"


def test_a_checked_file_is_context_for_the_next_check_without_an_update(capsys, report_validator):
    write("rules.yaml", ONLY_DUPLICATES)
    archive()
    backdate(*archive_files())
    build(capsys)
    write("incoming/insurance.md", markdown(FLOOD_INSURANCE, "Insurers Brace for Claims"))
    assert duplicates(capsys, report_validator, "incoming/insurance.md") == []
    write("incoming/insurance-print.txt", wrapped(FLOOD_INSURANCE))

    found = duplicates(capsys, report_validator, "incoming/insurance-print.txt")

    # The first check stored its target: the print copy is caught without `index update`, as a full run would.
    assert found == [("incoming/insurance-print.txt", None,
                      "same article as incoming/insurance.md (identical text after normalizing)",
                      [("incoming/insurance.md", None, 5)])]
    assert found == [f for f in duplicates(capsys, report_validator, "--no-index")
                     if f[0] == "incoming/insurance-print.txt"]
    assert sorted(indexed_files()) == ["incoming/insurance-print.txt", "incoming/insurance.md", "news/dredging.md",
                                       "news/flood.md", "news/orchard.txt", "news/telescope.md", "wire/2022-05.jsonl"]


def test_a_checked_file_is_stored_again_only_when_it_changed(capsys, report_validator):
    write("rules.yaml", ONLY_DUPLICATES)
    archive()
    build(capsys)
    write("incoming/orchard.txt", clean(ORCHARD))
    duplicates(capsys, report_validator, "incoming")
    first = indexed_files()

    duplicates(capsys, report_validator, "incoming")
    assert indexed_files() == first  # unchanged: not written again
    write("incoming/orchard.txt", clean(TELESCOPE))
    duplicates(capsys, report_validator, "incoming")
    assert indexed_files()["incoming/orchard.txt"] > max(first.values())  # changed: replaced
    assert main(["index", "update"]) == 0
    assert capsys.readouterr().out.endswith(": 0 added, 0 changed, 0 removed, 6 unchanged\n")


@pytest.mark.parametrize("include, built_for, outside", [
    ('include: ["news/**", "wire/**"]\n', "news", "wire/new.txt"),  # outside the paths the index was built for
    ('include: ["news/**", "wire/**"]\n', None, "elsewhere/new.txt"),  # named, but not what `include:` names
    ("", None, "../outside-the-repository.txt"),  # every file is included, but this one is not in the folder
])
def test_files_the_index_does_not_cover_are_not_stored(capsys, report_validator, include, built_for, outside):
    write("rules.yaml", ONLY_DUPLICATES + include)
    archive()
    build(capsys, *([built_for] if built_for else []))
    before = indexed_files()
    write(outside, clean(FLOOD_INSURANCE))

    try:
        duplicates(capsys, report_validator, outside)
    finally:
        Path(outside).unlink()

    assert indexed_files() == before
    write("news/new.txt", clean(FLOOD_INSURANCE))
    duplicates(capsys, report_validator, "news/new.txt")
    assert "news/new.txt" in indexed_files()


def test_a_check_of_some_of_the_corpus_rules_stores_nothing(capsys, report_validator):
    archive()
    build(capsys)  # ad-text, duplicate-article and related-article
    write("incoming/orchard.txt", clean(ORCHARD))

    duplicates(capsys, report_validator, "incoming")  # --select duplicate-article

    assert "incoming/orchard.txt" not in indexed_files()
    report(capsys, report_validator, "incoming")  # every rule
    assert "incoming/orchard.txt" in indexed_files()


def test_a_check_waits_briefly_for_an_index_another_process_writes_then_goes_on(capsys, report_validator):
    archive()
    build(capsys)
    write("incoming/print.txt", wrapped(DREDGING))
    with sqlite3.connect(INDEX, isolation_level=None) as other:
        other.execute("BEGIN IMMEDIATE")  # an `index update` in progress
        try:
            code, data = report(capsys, report_validator, "incoming")
        finally:
            other.execute("ROLLBACK")

    assert code == 1
    assert [(f["rule"], f["path"]) for f in data["findings"] if f["rule"] == "duplicate-article"] == [
        ("duplicate-article", "incoming/print.txt")]
    assert "incoming/print.txt" not in indexed_files()


def test_update_of_an_index_built_for_some_paths_stays_within_them(capsys):
    archive()
    build(capsys, "news")
    write("wire/2022-06.jsonl", jsonl([("x", clean(ORCHARD))]))
    write("news/new.md", markdown(ORCHARD, "Frost"))

    assert main(["index", "update"]) == 0

    assert capsys.readouterr().out.startswith("updated .qualitycheck/index.sqlite: 1 added, 0 changed, 0 removed, ")


def test_mismatched_index_is_refused_with_one_line(capsys):
    archive()
    build(capsys)
    incoming()
    write("rules.yaml", "rules:\n  duplicate-article:\n    options:\n      min-words: 30\n")

    code = main(["check", "incoming", "--no-cache", "--select", "duplicate-article"])

    assert code == 2
    assert capsys.readouterr().err == MISMATCH
    assert main(["index", "update"]) == 2
    assert capsys.readouterr().err == MISMATCH
    build(capsys)
    assert main(["check", "incoming", "--no-cache", "--select", "duplicate-article"]) == 1


def test_a_file_that_is_not_an_index_is_refused(capsys):
    archive()
    incoming()
    write(".qualitycheck/index.sqlite", "not a database at all, just text that happens to sit here\n" * 20)

    code = main(["check", "incoming", "--no-cache", "--select", "duplicate-article"])

    assert code == 2
    assert capsys.readouterr().err == ("error: .qualitycheck/index.sqlite: not a usable qualitycheck index (file is "
                                       "not a database); run `qualitycheck index build` to rebuild it\n")


def test_update_without_an_index_says_to_build_one(capsys):
    archive()

    assert main(["index", "update"]) == 2
    assert capsys.readouterr().err == ("error: .qualitycheck/index.sqlite: no index yet; run `qualitycheck index "
                                       "build` first\n")


def test_index_path_comes_from_rules_yaml(capsys, report_validator):
    write("rules.yaml", "include: ['news/**', 'incoming/**']\nindex:\n  path: build/archive.sqlite\n")
    archive()

    out = build(capsys)

    assert out.endswith(" s: build/archive.sqlite\n")
    assert Path("build/archive.sqlite").is_file() and not INDEX.exists()


def _index_bytes() -> bytes:
    return INDEX.read_bytes()


def test_a_build_that_raises_midway_leaves_the_previous_index(capsys, report_validator):
    from qualitycheck.config import load_config
    from qualitycheck.index import build as build_index, describe
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import check_file, make_plan
    import datetime as dt

    archive()
    backdate(*archive_files())
    build(capsys)
    before = _index_bytes()
    config = load_config(None)
    registry = load_registry(config)
    plan = make_plan(config, registry, build_ruleset(config, registry), dt.date.today())
    files = [describe(config, p, check_file(plan, p, str(p), False)) for p in sorted(Path("news").glob("*"))]

    with pytest.raises(RuntimeError, match="build interrupted after 2 files"):
        build_index(config, plan, [], files, time.time_ns(), fail_after=2)

    assert _index_bytes() == before
    assert sorted(p.name for p in INDEX.parent.iterdir()) == ["index.sqlite"]
    incoming()
    assert [f[0] for f in duplicates(capsys, report_validator, "incoming")] == [
        "incoming/dredging-print.txt", "incoming/plant.md", "incoming/telescope-page.txt"]


KILLED_BUILD = """
import datetime as dt, sys, time
from pathlib import Path
from qualitycheck.config import load_config
from qualitycheck.index import build, describe
from qualitycheck.plugins import load_registry
from qualitycheck.ruleset import build_ruleset
from qualitycheck.runner import check_file, make_plan

config = load_config(None)
registry = load_registry(config)
plan = make_plan(config, registry, build_ruleset(config, registry), dt.date.today())

def files():
    for number, path in enumerate(sorted(Path("news").glob("*"))):
        yield describe(config, path, check_file(plan, path, str(path), False))
        if number == 1:
            Path("halfway").write_text("writing")
            time.sleep(120)

build(config, plan, [], files(), time.time_ns())
"""


@pytest.mark.parametrize("had_index", [False, True])
def test_a_killed_build_leaves_the_previous_index_or_none(capsys, report_validator, had_index):
    archive()
    backdate(*archive_files())
    if had_index:
        build(capsys)
        before = _index_bytes()
    process = subprocess.Popen([sys.executable, "-c", KILLED_BUILD])
    try:
        deadline = time.monotonic() + 60
        while not Path("halfway").exists():
            assert process.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        leftovers = list(INDEX.parent.glob(".index.sqlite.*.tmp"))
        assert len(leftovers) == 1  # the new index is being written beside the old one
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    if had_index:
        assert _index_bytes() == before
    else:
        assert not INDEX.exists()
    incoming()
    assert [f[0] for f in duplicates(capsys, report_validator, "incoming")] == [
        "incoming/dredging-print.txt", "incoming/plant.md", "incoming/telescope-page.txt"]
    build(capsys)  # the next build clears what the killed one left
    assert sorted(p.name for p in INDEX.parent.iterdir() if "index" in p.name) == ["index.sqlite"]


def test_an_update_that_fails_midway_changes_nothing(capsys):
    from qualitycheck.config import load_config
    from qualitycheck.index import apply_update, open_for_update, plan_update
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import make_plan, select_files
    import datetime as dt

    archive()
    backdate(*archive_files())
    build(capsys)
    Path("news/flood.md").unlink()
    write("news/orchard.txt", clean(TELESCOPE))
    config = load_config(None)
    registry = load_registry(config)
    plan = make_plan(config, registry, build_ruleset(config, registry), dt.date.today())
    connection, meta = open_for_update(config, plan)
    update = plan_update(config, connection, meta, select_files(config, registry, [])[0])

    def failing_files():
        raise OSError("disk full")
        yield  # pragma: no cover

    with pytest.raises(OSError, match="disk full"):
        apply_update(config, plan, connection, meta, update, failing_files(), time.time_ns())
    connection.close()

    with sqlite3.connect(INDEX) as db:
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 5
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 6
        assert db.execute("SELECT COUNT(*) FROM keys WHERE rule = (SELECT id FROM rules WHERE name = "
                          "'duplicate-article')").fetchone()[0] == 6 * 42
