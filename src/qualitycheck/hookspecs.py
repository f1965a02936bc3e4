"""The whole plugin contract of qualitycheck.

A plugin is a module or object with functions marked `@qualitycheck.hookimpl`
and named like the specs below. Built-in rules, loaders and formatters use
exactly these hooks. Plugins are found through the `qualitycheck` entry-point
group of installed packages and through `plugins:` files in rules.yaml.

Every hook *returns data* (lists of `Rule`, `Loader`, `Formatter`); none of
them is called per document, so a rule that crashes is recorded against that
rule alone and every other rule still reports.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("qualitycheck")


@hookspec
def qualitycheck_register_rules(config):
    """Return a list of `qualitycheck.Rule` objects this plugin provides.

    `config` is the loaded `qualitycheck.config.Config` (read-only), so a plugin
    may define rules from it; most plugins ignore it and may omit the argument.
    Rule names must be unique across all plugins (kebab-case), and so must codes.

    Example::

        from qualitycheck import Issue, Rule, Severity, hookimpl

        def check_shouting(document, context):
            for number, line in enumerate(document.lines, start=1):
                if len(line) > 20 and line.isupper():
                    yield Issue.for_lines(document, number, number, "line in capitals")

        @hookimpl
        def qualitycheck_register_rules():
            return [Rule(name="shouting", code="X001", summary="Lines written in capitals",
                         check=check_shouting, default_severity=Severity.INFO)]
    """


@hookspec
def qualitycheck_register_loaders(config):
    """Return a list of `qualitycheck.Loader` objects: file formats turned into documents.

    A loader's `load(path, display_path, options)` yields `Document`s and
    `LoadProblem`s; `options` are `inputs.<loader name>` from rules.yaml with
    the loader's schema defaults filled in. A file goes to the loader whose
    `extensions` include its suffix; a plugin loader may take over a built-in
    suffix only under a different loader name.

    Example::

        from qualitycheck import Document, Loader, hookimpl

        def load_html(path, display_path, options):
            raw = path.read_text(encoding="utf-8")
            yield Document(path=display_path, text=strip_tags(raw), format="html")

        @hookimpl
        def qualitycheck_register_loaders():
            return [Loader(name="html", extensions=(".html", ".htm"), load=load_html)]
    """


@hookspec
def qualitycheck_register_formatters(config):
    """Return a list of `qualitycheck.Formatter` objects: ways to write a report.

    A formatter's `write(report, stream, context)` writes the whole `Report` to
    the text `stream`; `context.color` says whether colour is wanted.

    Example::

        from qualitycheck import Formatter, hookimpl

        def write_count(report, stream, context):
            stream.write(f"{len(report.findings)} findings\\n")

        @hookimpl
        def qualitycheck_register_formatters():
            return [Formatter(name="count", write=write_count, summary="Only the number of findings")]
    """
