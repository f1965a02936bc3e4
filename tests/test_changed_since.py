"""`check --changed-since REF` on real git repositories."""

from __future__ import annotations

import json

import pytest
from sample_rules import SELECT, git, isolate_git, write, write_project

from qualitycheck.cli import main

APPEAL = "Before you go: chip in today so the reporting continues."


def article(title: str, body: str = "A plain paragraph.") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A content repo whose `main` has five articles, and a branch `feature` checked out from it."""
    isolate_git(monkeypatch)
    write_project(tmp_path)
    write(tmp_path / ".gitignore", "news/ignored.md\n")
    write(tmp_path / "news/keep.md", article("Lighthouse keepers", APPEAL))  # old debris: not this branch's
    write(tmp_path / "news/edit.md", article("Marsh birds"))
    write(tmp_path / "news/gone.md", article("Closing the mill", APPEAL))
    write(tmp_path / "news/old-name.md", article("Tram line", APPEAL))
    write(tmp_path / "news/sub/deep.md", article("Canal boats"))
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "archive")
    git(tmp_path, "checkout", "-qb", "feature")
    return tmp_path


def check(capsys, report_validator, *args: str) -> tuple[int, dict, str]:
    code = main(["check", *SELECT, "--format", "json", *args])
    captured = capsys.readouterr()
    return code, report_validator(json.loads(captured.out)), captured.err


def findings(report: dict) -> list[tuple]:
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in report["findings"]]


def test_added_modified_renamed_staged_and_untracked_articles_are_checked(repo, capsys, report_validator):
    write(repo / "news/new.md", article("Kite makers", APPEAL))
    write(repo / "news/edit.md", article("Marsh birds", APPEAL))
    git(repo, "mv", "news/old-name.md", "news/new-name.md")
    git(repo, "rm", "-q", "news/gone.md")
    write(repo / "news/twin.md", article("Lighthouse keepers"))  # twin of keep.md, which is only context
    write(repo / "notes.txt", APPEAL)  # changed, but not an article: outside include
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "branch work")
    # main moves on after the branch point: its change to keep.md is not this branch's.
    git(repo, "checkout", "-q", "main")
    write(repo / "news/keep.md", article("Lighthouse keepers", APPEAL + "\n\n" + APPEAL))
    git(repo, "commit", "-qam", "main moves on")
    git(repo, "checkout", "-q", "feature")
    write(repo / "news/staged.md", article("Ferry strike", APPEAL))
    git(repo, "add", "news/staged.md")
    write(repo / "news/draft.md", article("Night trains", APPEAL))  # untracked
    write(repo / "news/ignored.md", article("Ignored", APPEAL))  # git-ignored
    base = git(repo, "merge-base", "main", "HEAD")

    code, report, err = check(capsys, report_validator, "--changed-since", "main")

    assert code == 1
    assert err == f"Checking 6 articles added or modified since main (merge base {base[:12]}).\n"
    assert findings(report) == [
        ("appeal-line", "news/draft.md", 4, 16),
        ("appeal-line", "news/edit.md", 4, 16),
        ("appeal-line", "news/new-name.md", 4, 16),
        ("appeal-line", "news/new.md", 4, 16),
        ("appeal-line", "news/staged.md", 4, 16),
        ("twin-title", "news/twin.md", 4, 1),
    ]
    assert report["summary"]["files"] == 6


def test_a_file_deleted_in_the_work_tree_is_not_checked(repo, capsys, report_validator):
    write(repo / "news/edit.md", article("Marsh birds", APPEAL))
    git(repo, "commit", "-qam", "edit")
    (repo / "news/edit.md").unlink()

    code, report, err = check(capsys, report_validator, "--changed-since", "main")

    assert (code, findings(report), report["summary"]["files"]) == (0, [], 0)
    assert err.startswith("Checking 0 articles added or modified since main (merge base ")


def test_nothing_changed_checks_nothing(repo, capsys, report_validator):
    code, report, _ = check(capsys, report_validator, "--changed-since", "main")

    assert (code, findings(report), report["summary"]["files"]) == (0, [], 0)


def test_paths_limit_the_changed_articles(repo, capsys, report_validator):
    write(repo / "news/new.md", article("Kite makers", APPEAL))
    write(repo / "news/sub/deep.md", article("Canal boats", APPEAL))

    code, report, err = check(capsys, report_validator, "--changed-since", "HEAD", "news/sub")

    assert code == 1
    assert findings(report) == [("appeal-line", "news/sub/deep.md", 4, 16)]
    assert "Checking 1 article added or modified since HEAD " in err


def test_works_from_a_subfolder_with_paths_relative_to_it(repo, capsys, report_validator, monkeypatch):
    write(repo / "news/sub/deep.md", article("Canal boats", APPEAL))
    monkeypatch.chdir(repo / "news")

    code, report, _ = check(capsys, report_validator, "--changed-since", "main")

    assert (code, findings(report)) == (1, [("appeal-line", "sub/deep.md", 4, 16)])


def test_unknown_ref_is_a_one_line_error(repo, capsys):
    code = main(["check", "--changed-since", "origin/nope"])

    assert code == 2
    assert capsys.readouterr().err == (
        "error: --changed-since: unknown git revision 'origin/nope'; a shallow clone lacks it; fetch more "
        "history (in GitHub Actions: actions/checkout with fetch-depth: 0)\n")


def test_unrelated_history_is_a_one_line_error(repo, capsys):
    git(repo, "checkout", "-q", "--orphan", "lonely")
    git(repo, "commit", "-qm", "unrelated")

    code = main(["check", "--changed-since", "main"])

    assert code == 2
    assert capsys.readouterr().err == (
        "error: --changed-since: 'main' and HEAD have no common ancestor; a shallow clone lacks it; fetch more "
        "history (in GitHub Actions: actions/checkout with fetch-depth: 0)\n")


def test_outside_a_git_repository_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    isolate_git(monkeypatch)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    write_project(tmp_path)

    code = main(["check", "--changed-since", "main"])

    assert code == 2
    assert capsys.readouterr().err == "error: --changed-since: . is not inside a git work tree\n"


def test_a_repository_without_commits_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    isolate_git(monkeypatch)
    write_project(tmp_path)
    git(tmp_path, "init", "-q")

    code = main(["check", "--changed-since", "main"])

    assert code == 2
    assert capsys.readouterr().err == "error: --changed-since: the git repository has no commit yet\n"
