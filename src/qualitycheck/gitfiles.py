"""`check --changed-since REF`: the articles a branch or pull request adds or modifies.

The changed files are those `git diff --name-only --diff-filter=AMR -M <base>`
lists, where `<base>` is `git merge-base REF HEAD`, plus the untracked files git
does not ignore. Diffing the merge base against the working tree (not against
HEAD) covers what is committed on the branch, staged and not yet staged, so a
run in CI (everything committed) and on a laptop (work in progress) agree.
Deleted files are not checked; a renamed file is checked under its new name.
Of those files, only articles are kept: a known suffix, matched by `include:`
and not by `exclude:`, and inside the PATHs given on the command line, if any.
Everything else that `include:` names is context for corpus rules, as usual.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Sequence

from qualitycheck.discovery import FileSelector
from qualitycheck.errors import UserError
from qualitycheck.paths import display_path
from qualitycheck.records import record

SHALLOW_HINT = "a shallow clone lacks it; fetch more history (in GitHub Actions: actions/checkout with fetch-depth: 0)"


@record
class ChangedArticles:
    """The articles changed since `ref`, and the merge base they were compared with."""

    ref: str
    base: str
    paths: list[Path]


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise UserError("--changed-since needs git, which was not found on PATH") from None


def _stdout(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8", errors="surrogateescape").strip()


def merge_base(folder: Path, ref: str) -> tuple[Path, str]:
    """(top folder of the work tree, merge base of `ref` and HEAD), or a one-line UserError."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UserError(f"--changed-since: {display_path(folder)} is not inside a git work tree")
    if _git(folder, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").returncode != 0:
        raise UserError("--changed-since: the git repository has no commit yet")
    if ref.startswith("-") or _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode != 0:
        raise UserError(f"--changed-since: unknown git revision {ref!r}; {SHALLOW_HINT}")
    base = _git(folder, "merge-base", ref, "HEAD")
    if base.returncode != 0:
        raise UserError(f"--changed-since: {ref!r} and HEAD have no common ancestor; {SHALLOW_HINT}")
    return Path(_stdout(top)), _stdout(base)


def changed_files(folder: Path, ref: str) -> tuple[str, list[Path]]:
    """(merge base, existing files added, modified, renamed or untracked since it), sorted."""
    top, base = merge_base(folder, ref)
    diff = _git(top, "diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "-M", "--diff-filter=AMR",
                base, "--")
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z", "--full-name")
    for result in (diff, untracked):
        if result.returncode != 0:
            raise UserError(f"--changed-since: git failed: {result.stderr.decode(errors='replace').strip()}")
    names = set()
    for result in (diff, untracked):
        names.update(name for name in os.fsdecode(result.stdout).split("\0") if name)
    files = [top / name for name in sorted(names)]
    return base, [path for path in files if path.is_file()]


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == folder or folder in resolved.parents for folder in folders)


def changed_articles(ref: str, paths: Sequence[Path], config, registry) -> ChangedArticles:
    """The articles to check for `--changed-since REF`, limited to `paths` when given."""
    base, files = changed_files(config.root, ref)
    selector = FileSelector(config.root, config.include, config.exclude, registry.suffixes)
    within = [Path(p).resolve() for p in paths]
    for given in paths:
        if not Path(given).exists():
            raise UserError(f"{display_path(given)}: no such file or folder")
    articles = [path for path in files if selector.wants(path) and (not within or _inside(path, within))]
    return ChangedArticles(ref, base, articles)
