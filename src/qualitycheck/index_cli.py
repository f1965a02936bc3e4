"""`qualitycheck index build|update`: keep the archive index (see `qualitycheck.index`) up to date.

    qualitycheck index build [PATH ...]   index PATH (default: what `include:` names) from scratch
    qualitycheck index update             re-collect only files whose content changed, drop deleted ones

The index stores what the enabled corpus rules collect from each document, so
that `qualitycheck check NEW_FILES` compares new files with the archive
without re-reading it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from qualitycheck.report import EXIT_CLEAN


def add_parser(commands) -> None:
    """Register the `index` subcommand on the CLI's subparsers."""
    from qualitycheck.cli import _positive_int

    index = commands.add_parser("index", help="build or update the archive index used by corpus rules",
                                description="Store what corpus rules (duplicate-article, ...) collect from every "
                                            "article in .qualitycheck/index.sqlite (or `index.path` in rules.yaml), "
                                            "so that checking a few new files does not re-read the archive.")
    actions = index.add_subparsers(dest="index_command", metavar="ACTION")
    actions.required = True
    build = actions.add_parser("build", help="index PATH (default: what `include:` names) from scratch")
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    update = actions.add_parser("update", help="re-index changed files, add new ones, drop deleted ones")
    for sub in (build, update):
        sub.add_argument("--config", type=Path, metavar="FILE", help="rules.yaml to use (default: the nearest one)")
        sub.add_argument("--jobs", "-j", type=_positive_int, metavar="N", help="worker processes (default: all cores)")
    build.set_defaults(handler=command_build)
    update.set_defaults(handler=command_update)


def _prepare(args: argparse.Namespace):
    import datetime as dt

    from qualitycheck.config import load_config
    from qualitycheck.plugins import load_registry
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import make_plan

    config = load_config(args.config)
    registry = load_registry(config)
    rules = build_ruleset(config, registry)
    plan = make_plan(config, registry, rules, dt.date.today())
    return config, registry, plan


CHUNK = 2000  # files collected per batch: the build holds one batch's results at a time, not the archive's


def _collect(config, plan, paths, jobs, errors: list):
    """Yield an IndexedFile for each path, collected by the same per-file unit of work `check` uses."""
    from qualitycheck.execution import check_files, default_jobs
    from qualitycheck.index import describe
    from qualitycheck.paths import display_path

    for start in range(0, len(paths), CHUNK):
        chunk = paths[start:start + CHUNK]
        results = check_files(plan, [(path, display_path(path), False) for path in chunk],
                              jobs=max(1, jobs or default_jobs()))
        for path, result in zip(chunk, results):
            for error in result.errors:
                print(f"error: {error}", file=sys.stderr)
                errors.append(error)
            indexed = describe(config, path, result)
            if indexed is not None:
                yield indexed


def command_build(args: argparse.Namespace) -> int:
    from qualitycheck.errors import UserError
    from qualitycheck.index import build, index_path
    from qualitycheck.paths import display_path
    from qualitycheck.runner import select_files

    started_ns = time.time_ns()
    config, registry, plan = _prepare(args)
    if not plan.corpus_rules:
        raise UserError("no corpus rule is enabled, so there is nothing to index; enable duplicate-article in "
                        "rules.yaml")
    files, _ = select_files(config, registry, args.paths)
    scope = sorted(display_path(p.resolve() if p.is_absolute() else Path.cwd() / p, config.root) for p in args.paths)
    errors: list = []
    summary = build(config, plan, scope, _collect(config, plan, files, args.jobs, errors), started_ns)
    print(f"indexed {summary.documents} documents from {summary.files} files in "
          f"{time.time_ns() / 1e9 - started_ns / 1e9:.1f} s: {display_path(index_path(config))}")
    return 2 if errors else EXIT_CLEAN


def command_update(args: argparse.Namespace) -> int:
    from qualitycheck.index import apply_update, index_path, open_for_update, plan_update, scope_of
    from qualitycheck.paths import display_path
    from qualitycheck.runner import select_files

    started_ns = time.time_ns()
    config, registry, plan = _prepare(args)
    connection, meta = open_for_update(config, plan)
    try:
        scope = [config.root / relative for relative in scope_of(meta)]
        if scope:  # the paths given to `index build`; those deleted since leave nothing to index
            existing = [p for p in scope if p.exists()]
            files = select_files(config, registry, existing)[0] if existing else []
        else:
            files = select_files(config, registry, [])[0]
        update = plan_update(config, connection, meta, files)
        errors: list = []
        apply_update(config, plan, connection, meta, update,
                     _collect(config, plan, update.changed + update.added, args.jobs, errors), started_ns)
    finally:
        connection.close()
    print(f"updated {display_path(index_path(config))}: {len(update.added)} added, {len(update.changed)} changed, "
          f"{len(update.removed)} removed, {update.unchanged} unchanged")
    return 2 if errors else EXIT_CLEAN
