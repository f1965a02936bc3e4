"""The CI report formats (github, sarif, junit), registered without importing the modules that write them.

A run writes one or two formats; importing the writers of all of them costs
every run, the one-file pre-commit check included, about 10 ms (SARIF's URL
quoting, JUnit's XML filter). Each module is imported when its format
first writes a report.
"""

from __future__ import annotations

import importlib
from typing import Callable, TextIO

from qualitycheck import hookimpl
from qualitycheck.model import FormatContext, Formatter
from qualitycheck.report import Report


def _deferred(module: str, function: str) -> Callable[[Report, TextIO, FormatContext], None]:
    """`module.function`, imported on the first call."""

    def write(report: Report, stream: TextIO, context: FormatContext) -> None:
        getattr(importlib.import_module(module), function)(report, stream, context)

    write.__qualname__ = write.__name__ = function
    write.__module__ = module
    return write


@hookimpl
def qualitycheck_register_formatters():
    return [
        Formatter(name="github", write=_deferred("qualitycheck.builtin.github", "write_github"),
                  summary="GitHub Actions workflow commands: annotations on the pull request's lines"),
        Formatter(name="sarif", write=_deferred("qualitycheck.builtin.sarif", "write_sarif"),
                  summary="SARIF 2.1.0 for GitHub code scanning (rules with docs, regions, fingerprints)"),
        Formatter(name="junit", write=_deferred("qualitycheck.builtin.junit", "write_junit"),
                  summary="JUnit XML, one test case per article, for GitLab and Jenkins test reports"),
    ]
