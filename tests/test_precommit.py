"""The real pre-commit framework runs this repository's hook in a content repository.

The hook source is a throwaway git repository holding a copy of this checkout's
working tree (so uncommitted changes are what is tested), committed so that
pre-commit has a `rev` to install. pre-commit builds the hook's environment
with pip once per test session (PRE_COMMIT_HOME is shared by the tests).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sample_rules import SELECT, git, isolate_git, write, write_project

from qualitycheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
HOOK_SOURCE_FILES = ("src", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
APPEAL = "One more thing: chip in today to fund the newsroom."
SUMMARY_PREFIXES = ("Found ", "No findings ")


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory) -> tuple[Path, str]:
    """(a git repository holding this checkout's working tree, its commit)."""
    source = tmp_path_factory.mktemp("hook-source")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in HOOK_SOURCE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    with pytest.MonkeyPatch.context() as patch:
        isolate_git(patch)
        git(source, "init", "-q")
        git(source, "add", ".")
        git(source, "commit", "-qm", "hook source")
        return source, git(source, "rev-parse", "HEAD")


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def content_repo(tmp_path, monkeypatch, hook_source, pre_commit_home) -> Path:
    """A content repository with one committed article and the qualitycheck hook installed."""
    isolate_git(monkeypatch)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    monkeypatch.delenv("PRE_COMMIT_NO_CONCURRENCY", raising=False)
    source, rev = hook_source
    write_project(tmp_path)
    write(tmp_path / ".pre-commit-config.yaml", f"""\
repos:
  - repo: {source.as_posix()}
    rev: {rev}
    hooks:
      - id: qualitycheck
        args: [--select, "{SELECT[1]}"]
""")
    write(tmp_path / "news/harbour.md", "---\ntitle: Harbour lights\n---\nThe lamps were relit on Friday.\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "archive")
    pre_commit(tmp_path, "install")
    return tmp_path


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, capture_output=True, text=True)


def commit(repo: Path, message: str) -> subprocess.CompletedProcess:
    """`git commit`, which runs the installed hook."""
    return subprocess.run(["git", "-c", "commit.gpgsign=false", "commit", "-m", message], cwd=repo,
                          capture_output=True, text=True)


def test_a_dirty_article_is_refused_with_the_findings_shown(content_repo):
    before = git(content_repo, "rev-parse", "HEAD")
    write(content_repo / "news/appeal.md", f"---\ntitle: Market day\n---\nStalls line the square.\n{APPEAL}\n")
    # Same title as the committed article, which pre-commit does not pass: it is context.
    write(content_repo / "news/retelling.md", "---\ntitle: Harbour lights\n---\nA second telling.\n")
    git(content_repo, "add", "news")

    result = commit(content_repo, "add two articles")

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert git(content_repo, "rev-parse", "HEAD") == before
    lines = output.splitlines()
    assert any(line.startswith("qualitycheck") and line.endswith("Failed") for line in lines), output
    assert "- exit code: 1" in lines
    assert "news/appeal.md:5:17: appeal-line [error] fundraising appeal left in the text" in lines
    assert "news/retelling.md:4:1: twin-title [warning] same title as news/harbour.md" in lines


def test_a_clean_article_is_committed(content_repo):
    write(content_repo / "news/clean.md", "---\ntitle: Orchard in bloom\n---\nThe blossom came early.\n")
    git(content_repo, "add", "news/clean.md")

    result = commit(content_repo, "add a clean article")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert any(line.startswith("qualitycheck") and line.endswith("Passed") for line in output.splitlines())
    assert git(content_repo, "log", "-1", "--format=%s") == "add a clean article"


def test_a_suppressed_finding_does_not_block_the_commit(content_repo):
    write(content_repo / "news/kept.md", "---\ntitle: Pier\nqualitycheck: {disable: [appeal-line]}\n---\n"
                                         f"{APPEAL}\n")
    git(content_repo, "add", "news/kept.md")

    result = commit(content_repo, "a suppressed appeal")

    assert result.returncode == 0, result.stdout + result.stderr


def _json_documents(output: str) -> list[dict]:
    """The JSON reports in pre-commit's output, one per invocation of the hook."""
    decoder = json.JSONDecoder()
    documents, position = [], output.find("{")
    while position != -1:
        document, end = decoder.raw_decode(output, position)
        documents.append(document)
        position = output.find("{", end)
    return documents


def test_splitting_the_file_list_over_invocations_does_not_change_the_result(content_repo):
    # Paths long enough that pre-commit's command line limit (at most 128 KiB) splits them.
    folder = "news/" + "/".join(["weather-notes-from-the-coastal-stations-of-the-archive"] * 3)
    paths = []
    for number in range(800):
        body = APPEAL if number % 97 == 0 else "A calm paragraph about the weather."
        title = "Harbour lights" if number in (5, 790) else f"Weather note {number}"
        paths.append(write(content_repo / folder / f"note-{number:04d}.md",
                           f"---\ntitle: {title}\n---\n{body}\n").relative_to(content_repo).as_posix())
    git(content_repo, "add", "news")
    config = (content_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    (content_repo / ".pre-commit-config.yaml").write_text(
        config.replace(f'args: [--select, "{SELECT[1]}"]', f'args: [--select, "{SELECT[1]}", --format, json]'),
        encoding="utf-8")
    git(content_repo, "add", ".pre-commit-config.yaml")

    result = pre_commit(content_repo, "run", "qualitycheck")

    assert result.returncode == 1, result.stdout + result.stderr
    reports = _json_documents(result.stdout)
    assert len(reports) >= 2
    assert sum(r["summary"]["files"] for r in reports) == 800
    hooked = sorted((f["rule"], f["path"], f["line"], f["column"], f["message"])
                    for r in reports for f in r["findings"])
    assert main(["check", *SELECT, "--format", "json", "--output", "whole.json", *paths]) == 1
    whole = json.loads(Path("whole.json").read_text(encoding="utf-8"))
    assert hooked == sorted((f["rule"], f["path"], f["line"], f["column"], f["message"]) for f in whole["findings"])
    assert len(hooked) == 9 + 2  # 9 appeals (every 97th note) and two twins of news/harbour.md


FERRY = ("The night ferry to the outer islands will run twice a week from March, the shipping board said on "
         "Tuesday, after a winter in which storms cancelled more than a third of the scheduled crossings.\n\n"
         "Captains had asked for a second vessel on the route since the old car deck failed its inspection, and "
         "the board agreed to lease one from a northern operator until the new hull is delivered next year.\n")


def test_an_article_committed_after_the_index_was_built_is_context_for_the_next_commit(content_repo):
    config = (content_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    (content_repo / ".pre-commit-config.yaml").write_text(  # every rule: the index holds what it collects
        config.replace(f'        args: [--select, "{SELECT[1]}"]\n', ""), encoding="utf-8")
    git(content_repo, "add", ".pre-commit-config.yaml")
    assert commit(content_repo, "run every rule").returncode == 0
    built = subprocess.run([sys.executable, "-m", "qualitycheck", "index", "build"], cwd=content_repo,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    write(content_repo / "news/ferry.md", f"---\ntitle: Night ferry returns\n---\n{FERRY}")
    git(content_repo, "add", "news/ferry.md")
    assert commit(content_repo, "the ferry story").returncode == 0  # the hook's check stored it in the index
    write(content_repo / "news/ferry-print.txt", FERRY)
    git(content_repo, "add", "news/ferry-print.txt")

    result = commit(content_repo, "the ferry story again, from the print edition")

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert ("news/ferry-print.txt:1:1: duplicate-article [warning] same article as news/ferry.md (identical text "
            "after normalizing)") in output.splitlines()
