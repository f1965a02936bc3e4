"""Test helpers: a small plugin of test rules and a project folder that loads it.

The rules flag exact spans so tests can assert lines and columns: `marker`
flags every `XXX`, `as-of` reports the day the run treats as today on texts
holding `ASOF`, and `crash-on-boom` raises on texts holding `BOOM`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

TEST_RULES_PLUGIN = '''\
import re

from qualitycheck import Issue, Rule, Severity, hookimpl


def check_marks(document, context):
    for match in re.finditer("XXX", document.text):
        yield Issue.for_span(document, match.start(), match.end(), "XXX left in the text")


def check_as_of(document, context):
    if "ASOF" in document.text:
        yield Issue(message=f"checked as of {context.as_of.isoformat()}")


def check_crash(document, context):
    if "BOOM" in document.text:
        raise RuntimeError("cannot digest this article")
    return []


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(name="marker", code="QX001", summary="XXX left in the text", check=check_marks),
        Rule(name="as-of", code="QX002", summary="Reports the as-of day", check=check_as_of,
             default_severity=Severity.INFO),
        Rule(name="crash-on-boom", code="QX003", summary="Raises on BOOM", check=check_crash),
    ]
'''


def write(folder: Path, name: str, text: str) -> Path:
    """Write `text` (dedented) to `folder/name`, creating parent folders."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def project(folder: Path, config: str = "") -> Path:
    """A project whose rules.yaml loads the test rules plugin, plus `config` (YAML, dedented)."""
    write(folder, "test_rules.py", TEST_RULES_PLUGIN)
    return write(folder, "rules.yaml", "plugins: [test_rules.py]\n" + textwrap.dedent(config))


def places(report: dict, *fields: str) -> list[tuple]:
    """The findings of a JSON report as tuples of `fields` (default: rule, path, record, line, column)."""
    fields = fields or ("rule", "path", "record", "line", "column")
    return [tuple(finding[name] for name in fields) for finding in report["findings"]]


# Built-in rules keep growing; tests of the core run only the rules they are about.
CORE_RULES = ("--select", "marker,as-of,crash-on-boom,metadata,unreadable-file")
