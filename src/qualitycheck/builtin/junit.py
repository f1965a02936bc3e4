"""`junit` format: JUnit XML with one test case per article, for GitLab and Jenkins test reports.

An article is a file, or a record of a JSONL file (`news/feed.jsonl [a1]`).
Its test case fails when it has findings at or above `fail-on` (the ones that
fail the run); the failure lists them as `path:line:col: rule [severity]
message` lines. Findings below `fail-on` go to the test case's system-out, so
a passing gate shows a passing test report. A rule that crashed on an article
is an `<error>` of its test case; one that crashed over the whole corpus gets
a test case of its own, `<corpus>`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Optional, TextIO

from qualitycheck.builtin.formatters import finding_location
from qualitycheck.lazyre import lazy_compile
from qualitycheck.model import Finding, FormatContext
from qualitycheck.report import Report, RunError

if TYPE_CHECKING:
    from xml.etree import ElementTree

Article = tuple[str, Optional[str]]  # path, record


_NOT_XML = lazy_compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (control characters from odd input)."""
    return _NOT_XML.sub("\ufffd", text)


def article_name(article: Article) -> str:
    path, record = article
    return path if record is None else f"{path} [{record}]"


def _finding_line(finding: Finding) -> str:
    return f"{finding_location(finding)}: {finding.rule} [{finding.severity}] {finding.message}"


def _articles(report: Report) -> list[Article]:
    articles = {(ref.path, ref.record) for ref in report.checked}
    articles.update((f.path, f.record) for f in report.findings)
    articles.update((e.path, e.record) for e in report.errors)
    return sorted(articles, key=lambda a: (a[0], a[1] or ""))


def _is_failure(finding: Finding, report: Report) -> bool:
    return report.fail_on is not None and finding.severity >= report.fail_on


def junit_tree(report: Report) -> ElementTree.Element:
    """The `<testsuites>` element of the report."""
    from xml.etree import ElementTree  # imported when a JUnit report is written, not at start-up

    findings: dict[Article, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        findings[(finding.path, finding.record)].append(finding)
    errors: dict[Article, list[RunError]] = defaultdict(list)
    for error in report.errors:
        errors[(error.path, error.record)].append(error)

    articles = _articles(report)
    failed = sum(1 for a in articles if any(_is_failure(f, report) for f in findings[a]) and not errors[a])
    errored = sum(1 for a in articles if errors[a])
    counts = {"tests": str(len(articles)), "failures": str(failed), "errors": str(errored)}
    root = ElementTree.Element("testsuites", name="qualitycheck", **counts)
    suite = ElementTree.SubElement(root, "testsuite", name="qualitycheck", skipped="0", **counts)
    for article in articles:
        case = ElementTree.SubElement(suite, "testcase", name=_xml_text(article_name(article)),
                                      classname="qualitycheck", file=_xml_text(article[0]))
        for error in errors[article]:
            element = ElementTree.SubElement(case, "error", message=_xml_text(f"rule {error.rule} crashed"),
                                             type="RuleCrash")
            element.text = _xml_text(str(error))
        # A test case has an error or a failure, not both: with a crash, its findings go to system-out.
        failing = [] if errors[article] else [f for f in findings[article] if _is_failure(f, report)]
        if failing:
            rules = ", ".join(sorted({f.rule for f in failing}))
            noun = "finding" if len(failing) == 1 else "findings"
            element = ElementTree.SubElement(case, "failure", message=_xml_text(f"{len(failing)} {noun}: {rules}"),
                                             type="qualitycheck")
            element.text = _xml_text("\n".join(_finding_line(f) for f in failing) + "\n")
        others = [f for f in findings[article] if not any(f is g for g in failing)]
        if others:
            ElementTree.SubElement(case, "system-out").text = _xml_text(
                "\n".join(_finding_line(f) for f in others) + "\n")
    return root


def write_junit(report: Report, stream: TextIO, context: FormatContext) -> None:
    from xml.etree import ElementTree

    root = junit_tree(report)
    ElementTree.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ElementTree.tostring(root, encoding="unicode"))
    stream.write("\n")
