"""Command line: argparse -> config -> plugins -> runner -> formatter -> exit code.

Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it;
2 usage or config error, a plugin that fails to load, or a rule that crashed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Sequence

from qualitycheck import __version__
from qualitycheck.errors import UserError
from qualitycheck.records import record
from qualitycheck.report import EXIT_CLEAN, EXIT_ERROR

FAIL_ON_CHOICES = ("error", "warning", "info", "never")


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return number


def open_cache(folder: Path):
    """The findings cache in `folder`."""
    from qualitycheck.cache import FindingsCache

    return FindingsCache(folder)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def add_rule_arguments(parser: argparse.ArgumentParser) -> None:
    """`--as-of`, `--select` and `--ignore`: what every command that runs the rules takes."""
    parser.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                        help="the day date rules treat as today (default: today)")
    parser.add_argument("--select", action="append", default=[], metavar="RULES",
                        help="run only these rules (names or codes, comma-separated; repeatable)")
    parser.add_argument("--ignore", action="append", default=[], metavar="RULES",
                        help="do not run these rules (names or codes, comma-separated; repeatable)")


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """The command-line parser; with `command` (a known command name), only that command's subparser.

    pre-commit runs `check` on every commit: building the other commands'
    parsers (and importing their modules) would only slow its start.
    """
    parser = argparse.ArgumentParser(
        prog="qualitycheck",
        description="Find scraping debris in a repository of articles.",
    )
    parser.add_argument("--version", action="version", version=f"qualitycheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for name, add in _COMMANDS.items():
        if command is None or name == command:
            add(commands)
    return parser


def _add_check_parser(commands) -> None:
    check = commands.add_parser("check", help="check articles and report findings",
                                description="Check files and folders (recursively); without PATH, what "
                                            "`include:` in rules.yaml names.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--config", type=Path, metavar="FILE", help="rules.yaml to use (default: the nearest one)")
    check.add_argument("--format", default="text", metavar="NAME",
                       help="report format: text, json, github, sarif, junit, or a plugin's (default: text)")
    check.add_argument("--output", action="append", default=[], metavar="[FORMAT:]FILE",
                       help="write the report to FILE (atomically) instead of standard output; "
                            "repeat with FORMAT: to write several formats (FORMAT:- is standard output)")
    check.add_argument("--no-progress", action="store_true",
                       help="never show a progress bar (by default one appears on a terminal when a run "
                            "takes over a second, never in CI)")
    check.add_argument("--fail-on", choices=FAIL_ON_CHOICES,
                       help="lowest severity that makes the exit code 1 (default: rules.yaml's, else warning)")
    check.add_argument("--jobs", "-j", type=_positive_int, metavar="N",
                       help="worker processes (default: all cores)")
    check.add_argument("--no-cache", action="store_true",
                       help="check every file again instead of reusing results of unchanged files")
    check.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help="where the findings cache lives (default: .qualitycheck/cache beside rules.yaml)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even with findings (a crash or config error still exits 2)")
    add_rule_arguments(check)
    check.add_argument("--no-index", action="store_true",
                       help="read the whole archive for corpus rules even when an index exists")
    check.add_argument("--changed-since", metavar="REF",
                       help="check only the articles added or modified since the merge base of REF and HEAD "
                            "(committed, staged, unstaged and untracked); the rest of the archive is context")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="report only findings not recorded in FILE (see `qualitycheck baseline write`)")
    check.set_defaults(handler=command_check)


def _add_rules_parser(commands) -> None:
    rules = commands.add_parser("rules", help="list the registered rules, or show one rule's docs")
    rules.add_argument("name", nargs="?", metavar="NAME", help="a rule name or code")
    rules.add_argument("--config", type=Path, metavar="FILE", help="rules.yaml to use (default: the nearest one)")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(handler=command_rules)


def _add_index_parser(commands) -> None:
    from qualitycheck.index_cli import add_parser

    add_parser(commands)


def _add_baseline_parser(commands) -> None:
    from qualitycheck.baseline import add_parser

    add_parser(commands)


_COMMANDS = {"check": _add_check_parser, "rules": _add_rules_parser, "index": _add_index_parser,
             "baseline": _add_baseline_parser}


@record
class OutputTarget:
    """One report to write: a format, and a file (None for standard output)."""

    format: str
    path: Optional[Path]


def parse_outputs(format_name: str, outputs: Sequence[str], known_formats: Sequence[str]) -> list[OutputTarget]:
    """`--format` plus `--output [FORMAT:]FILE` -> what to write where (`FORMAT:-` is standard output)."""
    if not outputs:
        return [OutputTarget(format_name, None)]
    targets = []
    for spec in outputs:
        name, sep, rest = spec.partition(":")
        if sep and name in known_formats and rest:
            targets.append(OutputTarget(name, None if rest == "-" else Path(rest)))
        else:
            targets.append(OutputTarget(format_name, Path(spec)))
    return targets


def _config_path(given: Optional[Path]) -> Optional[Path]:
    """The config in use: `--config`, else the nearest one found, else None (the defaults)."""
    from qualitycheck.config import find_config

    return given or find_config(Path.cwd())


def _load(config_path: Optional[Path], stamps=None, deferred: Optional[list] = None):
    """Config and plugin registry; with `stamps`, a config that validated before skips the schema check.

    With a `deferred` list the schema check is put on it, and recording the
    stamp is left to the caller (once the check ran: see `_remember`).
    """
    from qualitycheck.config import load_config
    from qualitycheck.plugins import load_registry

    config = load_config(config_path, known_valid=stamps.seen if stamps else None, deferred=deferred)
    if deferred is None:
        _remember(stamps, config)
    return config, load_registry(config)


def _remember(stamps, config) -> None:
    """Stamp a config that validated (with its parse), so that later runs need neither YAML nor jsonschema."""
    if stamps is not None and config.digest and stamps.seen(config.digest) is None:
        stamps.record(config.digest, (config.raw, config.positions))


def command_check(args: argparse.Namespace) -> int:
    with _collecting_garbage_less_often():
        return _check(args)


def _check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from qualitycheck.atomicio import write_atomic
    from qualitycheck.cache import DEFAULT_CACHE_DIR, ValidationStamps
    from qualitycheck.config import deferred_checks_first, run_deferred
    from qualitycheck.ruleset import options_digest
    from qualitycheck.execution import default_jobs
    from qualitycheck.model import FormatContext, Severity
    from qualitycheck.paths import display_path
    from qualitycheck.ruleset import build_ruleset
    from qualitycheck.runner import run

    config_path = _config_path(args.config)  # found once: the cache lives beside it
    cache_dir = args.cache_dir or (config_path.parent if config_path else Path.cwd()) / DEFAULT_CACHE_DIR
    stamps = None if args.no_cache else ValidationStamps(cache_dir)
    deferred: list = []  # schema checks, run once workers have started (see config.check_now_or_later)
    with deferred_checks_first(deferred):  # a config problem is reported before what it caused
        config, registry = _load(config_path, stamps, deferred)
        options_key = options_digest(config, registry)
        trusted = stamps is not None and stamps.seen(options_key) is not None
        if args.fail_on:
            config = replace(config, fail_on=None if args.fail_on == "never" else Severity.parse(args.fail_on))
        targets = parse_outputs(args.format, args.output, list(registry.formatters))
        for target in targets:
            if target.format not in registry.formatters:
                raise UserError(f"--format: unknown format {target.format!r} "
                                f"(known: {', '.join(sorted(registry.formatters))})")
        rules = build_ruleset(config, registry, args.select, args.ignore, validate=not trusted, deferred=deferred)
        if args.changed_since is not None:
            run_deferred(deferred)  # before asking git and saying what will be checked
        paths = _target_paths(args, config, registry)
        baseline = _baseline(args)
    cache = None if args.no_cache else open_cache(cache_dir)
    bar = _progress_bar(args)
    try:
        report = run(config, registry, rules, paths, as_of=args.as_of, exit_zero=args.exit_zero,
                     jobs=args.jobs or default_jobs(), cache=cache, validate=not trusted,
                     use_index=not args.no_index, explicit=args.changed_since is not None,
                     progress=bar, files_found=bar.files_found if bar else None, deferred=deferred)
    finally:
        if bar is not None:
            bar.close()
        if cache is not None:
            cache.close()
    _remember(stamps, config)  # reached only when everything validated
    if stamps is not None and not trusted:
        stamps.record(options_key)
    if baseline is not None:
        report = baseline.apply(report)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for target in targets:
        formatter = registry.formatters[target.format]
        stream = sys.stdout if target.path is None else io.StringIO()  # the old file stays if writing fails
        try:
            formatter.write(report, stream, FormatContext(color=target.path is None and _wants_color(stream)))
        except Exception as exc:
            if isinstance(exc, OSError) or formatter.origin == "qualitycheck":
                raise  # a broken pipe, or our own bug (keeps its traceback)
            raise UserError(f"--format {target.format}: the formatter from {formatter.origin} crashed: "
                            f"{type(exc).__name__}: {exc}") from exc
        if target.path is not None:
            try:
                write_atomic(target.path, stream.getvalue())
            except OSError as exc:
                raise UserError(f"--output {display_path(target.path)}: cannot write the report: "
                                f"{exc.strerror or exc}") from None
    return report.exit_code


@contextmanager
def _collecting_garbage_less_often():
    """Tune the cyclic garbage collector for a run that builds up results (a batch, not a server).

    A run keeps every article's results until the report is written, and the
    collector's full passes go over all of them again and again: unpickling
    the results of 2,000 articles took 0.20 s with the default thresholds,
    0.07 s with 100,000 (cProfile-free process time). Objects made before the
    run (modules, compiled patterns) are moved out of its reach (`gc.freeze`),
    and the first generation is collected every 100,000 allocations instead
    of 700; cycles are still collected. Both are undone afterwards, for a
    process that calls `main` more than once.
    """
    import gc

    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _target_paths(args: argparse.Namespace, config, registry) -> list[Path]:
    """The PATHs to check: as given, or with `--changed-since`, the articles changed since REF."""
    if args.changed_since is None:
        return args.paths
    from qualitycheck.gitfiles import changed_articles

    changed = changed_articles(args.changed_since, args.paths, config, registry)
    count = len(changed.paths)
    print(f"Checking {count} article{'' if count == 1 else 's'} added or modified since {changed.ref} "
          f"(merge base {changed.base[:12]}).", file=sys.stderr)
    return changed.paths


def _baseline(args: argparse.Namespace):
    """The `--baseline` to apply, or None without it; loaded before the run so a bad file fails fast."""
    if args.baseline is None:
        return None
    from qualitycheck.baseline import load_baseline

    return load_baseline(args.baseline)


def _progress_bar(args: argparse.Namespace):
    """A ProgressBar on standard error, or None when none may be shown (piped, CI, --no-progress)."""
    from qualitycheck.progress import ProgressBar, wants_progress

    if args.no_progress or not wants_progress(sys.stderr):
        return None
    return ProgressBar(sys.stderr)


def _wants_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def command_rules(args: argparse.Namespace) -> int:
    from qualitycheck.ruleset import with_defaults

    config, registry = _load(args.config)
    rules = list(registry.rules.values())
    if args.name:
        rule = registry.rule_named(args.name)
        if rule is None:
            from qualitycheck.config import suggest

            raise UserError(f"unknown rule {args.name!r}{suggest(args.name, list(registry.rules))}")
        rules = [rule]
    if args.format == "json":
        payload = [{"name": r.name, "code": r.code, "summary": r.summary, "severity": str(r.default_severity),
                    "origin": r.origin, "scope": r.scope, "options_schema": r.options_schema,
                    "defaults": with_defaults(r.options_schema, {}), "docs": r.docs} for r in rules]
        json.dump(payload if not args.name else payload[0], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_CLEAN
    if args.name:
        sys.stdout.write(render_rule_docs(rules[0]))
        return EXIT_CLEAN
    width = max(len(r.name) for r in rules)
    origin_width = max(len(r.origin) for r in rules)
    for rule in rules:
        sys.stdout.write(f"{rule.name:<{width}}  {rule.code:<6}  {str(rule.default_severity):<7}  "
                         f"{rule.origin:<{origin_width}}  {rule.summary}\n")
    return EXIT_CLEAN


def render_rule_docs(rule) -> str:
    """A rule's documentation page as `qualitycheck rules NAME` prints it."""
    from qualitycheck.ruleset import with_defaults

    lines = [f"# {rule.name} ({rule.code})", "", rule.summary, "",
             f"Default severity: {rule.default_severity}. Scope: {rule.scope}. From: {rule.origin}.", ""]
    if rule.docs:
        lines.append(rule.docs.rstrip())
        lines.append("")
    defaults = with_defaults(rule.options_schema, {})
    properties = rule.options_schema.get("properties") or {}
    if properties:
        lines.append("## Option defaults")
        for key, spec in properties.items():
            description = spec.get("description", "") if isinstance(spec, dict) else ""
            value = json.dumps(defaults[key]) if key in defaults else "(no default)"
            lines.append(f"- `{key}` = {value}" + (f": {description}" if description else ""))
        lines.append("")
    return "\n".join(lines)


def command_line() -> int:
    """The `qualitycheck` command and `python -m qualitycheck`: `main`, then an exit that does not sweep.

    When the interpreter exits it first runs the cyclic garbage collector over
    every object still alive: after a 2,000-article run, 70 ms of the last
    thing the user waits for, for memory the process is about to give back.
    Frozen objects are skipped (they are still deallocated). Not in `main`,
    which tests and other programs call in a process that goes on.
    """
    code = main()
    import gc

    gc.freeze()
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv and argv[0] in _COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors (2), as a return value
        return int(exc.code or 0)
    try:
        return args.handler(args)
    except UserError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `qualitycheck check | head`
        return EXIT_ERROR
