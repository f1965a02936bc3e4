"""Which files a run checks: globs, include/exclude, skipped folders, named files, order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualitycheck.config import Config, load_config
from qualitycheck.discovery import FileSelector, glob_to_regex
from qualitycheck.paths import display_path
from qualitycheck.plugins import load_registry
from qualitycheck.runner import select_files
from support import CORE_RULES, places, project, write


@pytest.mark.parametrize(
    "pattern, matches, misses",
    [
        ("*.md", ["a.md", "x/y/a.md"], ["a.mdx", "a.txt"]),
        ("drafts", ["drafts/a.md", "x/drafts/b/c.md"], ["drafts.md", "mydrafts/a.md"]),
        ("drafts/**", ["drafts/a.md", "drafts/x/y.md"], ["x/drafts/a.md"]),
        ("**/drafts/**", ["drafts/a.md", "x/drafts/y.md"], ["drafts.md"]),
        ("news/*.md", ["news/a.md"], ["news/x/a.md", "old/news/a.md"]),
        ("./news/", ["news/a.md"], ["old/news/a.md"]),
        ("day-?.txt", ["day-1.txt"], ["day-10.txt"]),
        ("[ab].md", ["a.md", "b.md"], ["c.md"]),
        ("[!ab].md", ["c.md"], ["a.md"]),
        ("a+b (1).md", ["a+b (1).md"], ["aab (1).md"]),
    ],
)
def test_glob_patterns(pattern, matches, misses):
    regex = re.compile(glob_to_regex(pattern))
    assert [p for p in matches if regex.match(p)] == matches
    assert [p for p in misses if regex.match(p)] == []


def _selector(root: Path, include=("**",), exclude=()) -> FileSelector:
    return FileSelector(root, include, exclude, [".md", ".txt", ".jsonl"])


def _names(paths) -> list[str]:
    return [display_path(p) for p in paths]


def test_walk_is_sorted_skips_tool_folders_and_unknown_suffixes(tmp_path):
    for name in ["b.md", "a/z.txt", "a/b/c.jsonl", "A.md", ".git/x.md", "node_modules/m.md", ".venv/v.md",
                 "notes.rst", "img.png"]:
        write(tmp_path, name, "x\n")

    assert _names(_selector(tmp_path).select([Path(".")])) == ["A.md", "a/b/c.jsonl", "a/z.txt", "b.md"]


def test_include_filters_walked_folders_but_not_named_files(tmp_path):
    for name in ["news/a.md", "news/b.txt", "misc/c.md"]:
        write(tmp_path, name, "x\n")
    selector = _selector(tmp_path, include=["news/*.md"])

    assert _names(selector.select([Path(".")])) == ["news/a.md"]
    assert _names(selector.select([Path("misc/c.md")])) == ["misc/c.md"]


def test_exclude_applies_to_walked_and_named_files_and_prunes_folders(tmp_path):
    for name in ["news/a.md", "news/drafts/b.md", "news/c.tmp.md"]:
        write(tmp_path, name, "x\n")
    selector = _selector(tmp_path, exclude=["drafts", "*.tmp.md"])

    assert _names(selector.select([Path(".")])) == ["news/a.md"]
    assert _names(selector.select([Path("news/drafts/b.md"), Path("news/c.tmp.md")])) == []


def test_each_file_once_even_if_named_twice(tmp_path):
    write(tmp_path, "news/a.md", "x\n")

    assert _names(_selector(tmp_path).select([Path("news"), Path("news/a.md"), Path("./news/a.md")])) == ["news/a.md"]


def test_missing_path_is_a_usage_error(tmp_path):
    from qualitycheck.errors import UserError

    with pytest.raises(UserError, match=r"^missing\.md: no such file or folder$"):
        _selector(tmp_path).select([Path("missing.md")])


def test_excluded_file_named_on_the_command_line_is_not_checked(tmp_path, check_json):
    project(tmp_path, "exclude: ['drafts/**']\n")
    write(tmp_path, "drafts/a.md", "XXX\n")
    write(tmp_path, "b.md", "XXX\n")

    code, report, _ = check_json(*CORE_RULES, "drafts/a.md", "b.md")

    assert places(report, "path") == [("b.md",)]
    assert report["summary"]["files"] == 1
    assert code == 1


def test_named_file_without_a_loader_is_reported(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "notes.rst", "XXX\n")

    _, report, _ = check_json(*CORE_RULES, "notes.rst")

    assert places(report, "rule", "path", "message") == [
        ("unreadable-file", "notes.rst", "no loader reads .rst files; exclude the file or add a loader plugin")
    ]


def test_without_paths_include_names_the_files_relative_to_the_config(tmp_path, check_json):
    project(tmp_path, "include: ['articles/**']\nexclude: ['articles/drafts/**']\n")
    write(tmp_path, "articles/a.md", "XXX\n")
    write(tmp_path, "articles/drafts/b.md", "XXX\n")
    write(tmp_path, "README.md", "XXX\n")

    _, report, _ = check_json(*CORE_RULES)

    assert places(report, "path") == [("articles/a.md",)]


def test_named_files_are_targets_and_the_rest_of_include_is_context(tmp_path):
    for name in ["articles/a.md", "articles/b.md", "articles/c.jsonl", "other/d.md"]:
        write(tmp_path, name, "x\n")
    write(tmp_path, "rules.yaml", "include: ['articles/**']\n")
    config = load_config(tmp_path / "rules.yaml")

    targets, context = select_files(config, load_registry(config), [Path("articles/b.md"), Path("other/d.md")])

    assert _names(targets) == ["articles/b.md", "other/d.md"]
    assert _names(context) == ["articles/a.md", "articles/c.jsonl"]


def test_default_include_takes_every_suffix_a_loader_reads(tmp_path):
    config = Config(root=tmp_path)
    suffixes = set(load_registry(config).suffixes)
    for suffix in suffixes:
        write(tmp_path, f"deep/file{suffix}", "x\n")

    targets, _ = select_files(config, load_registry(config), [])

    assert {Path(p).suffix for p in _names(targets)} == suffixes
