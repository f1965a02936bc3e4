"""A small local plugin for the suppression, baseline, --changed-since and pre-commit tests.

Those tests are about where findings go, not about the built-in rules, so they
use rules whose behaviour is fixed here: document rules (`appeal-line`, and
`caps-block` for spans over several lines) and a corpus rule (`twin-title`),
loaded through `plugins:` in rules.yaml.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

PLUGIN_SOURCE = '''\
from qualitycheck import Issue, Related, Rule, Severity, hookimpl

PHRASE = "chip in today"


def check_appeal(document, context):
    lowered = document.text.lower()
    start = lowered.find(PHRASE)
    while start != -1:
        yield Issue.for_span(document, start, start + len(PHRASE), "fundraising appeal left in the text")
        start = lowered.find(PHRASE, start + 1)


def check_caps(document, context):
    first = None
    for number, line in enumerate(document.lines + [""], start=1):
        shouting = line.strip() != "" and line.upper() == line and any(c.isalpha() for c in line)
        if shouting and first is None:
            first = number
        elif not shouting and first is not None:
            yield Issue.for_lines(document, first, number - 1, "lines in capitals")
            first = None


def collect_title(document, context):
    return str(document.metadata.get("title", "")).strip().lower()


def check_titles(entries, context):
    first = {}
    for entry in sorted(entries, key=lambda e: str(e.ref)):
        if not entry.data:
            continue
        if entry.data in first:
            twin = first[entry.data]
            yield Issue("same title as " + str(twin), document=entry.ref,
                        related=(Related(twin.path, twin.record, 1),), excerpt=entry.data)
        else:
            first[entry.data] = entry.ref


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(name="appeal-line", code="T001", summary="fundraising appeal", check=check_appeal,
             default_severity=Severity.ERROR),
        Rule(name="caps-block", code="T003", summary="lines in capitals", check=check_caps),
        Rule(name="twin-title", code="T002", summary="two articles with one title", check=check_titles,
             collect=collect_title, scope="corpus", default_severity=Severity.WARNING),
    ]
'''

# The built-in rules would flag the test articles too; the tests run only these.
SELECT = ("--select", "appeal-line,caps-block,twin-title,unused-suppression")

RULES_YAML = """\
version: 1
include: ["news/**"]
plugins: [sample_plugin.py]
"""


def write_project(root: Path, rules_yaml: str = RULES_YAML) -> None:
    """rules.yaml plus the plugin file in `root`."""
    (root / "sample_plugin.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    (root / "rules.yaml").write_text(rules_yaml, encoding="utf-8")


def write(path: Path, text: str) -> Path:
    """Write `text` to `path`, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
    "GIT_COMMITTER_NAME": "Test Desk", "GIT_COMMITTER_EMAIL": "desk@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def isolate_git(monkeypatch) -> None:
    """A fixed identity and no user or system git config, for this process and the git it runs."""
    for key, value in GIT_IDENTITY.items():
        monkeypatch.setenv(key, value)


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` (with the environment `isolate_git` set) and return its output."""
    result = subprocess.run(["git", "-C", str(repo), "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                             *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()
