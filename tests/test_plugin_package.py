"""The example plugin package, built and installed into a fresh virtual environment.

The venv gets no copy of qualitycheck: a `.pth` file makes this test run's
environment (qualitycheck from the checkout, its dependencies, pytest,
setuptools) visible in it, and pip installs the example package for real
(its wheel built by setuptools, its entry point written to dist-info). Then
qualitycheck in that venv must find the rules through the entry point, and
the package's own tests, which use `qualitycheck.testing`, must pass there.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import qualitycheck
from qualitycheck.cli import main

PACKAGE = Path(__file__).resolve().parents[1] / "examples" / "plugin-package"


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(args, cwd):
    result = subprocess.run(args, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, the copied package folder) with the package installed from its copy."""
    root = tmp_path_factory.mktemp("plugin-package")
    package = root / "qualitycheck-newsroom"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    checkout_src = Path(qualitycheck.__file__).resolve().parents[1]
    parents = [p for p in [*site.getsitepackages(), site.getusersitepackages()] if Path(p).is_dir()]
    lines = [str(checkout_src)] + [f"import site; site.addsitedir({p!r})" for p in parents]
    (purelib / "_qualitycheck_test_parent.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
          str(package)], cwd=root)
    return python, package


def test_the_installed_package_is_found_through_its_entry_point(installed, tmp_path):
    python, _ = installed
    listed = json.loads(_run([python, "-m", "qualitycheck", "rules", "--format", "json"], cwd=tmp_path))
    ours = {r["name"]: (r["code"], r["scope"], r["origin"]) for r in listed if r["origin"] == "qualitycheck-newsroom"}
    assert ours == {"embed-leftover": ("NR001", "document", "qualitycheck-newsroom"),
                    "shared-url": ("NR101", "corpus", "qualitycheck-newsroom")}
    docs = _run([python, "-m", "qualitycheck", "rules", "embed-leftover"], cwd=tmp_path)
    assert docs.startswith("# embed-leftover (NR001)\n")
    assert "- `extra-lines` = []: More placeholder lines to flag." in docs


def test_the_installed_rules_run_in_a_check(installed, tmp_path):
    python, _ = installed
    (tmp_path / "a.md").write_text("---\ntitle: Tram line\nurl: https://news.example/tram\n---\n"
                                   "The tram line opens in May.\n[Embedded content]\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: Tram line\nurl: https://news.example/tram/\n---\n"
                                   "The tram line opens in May.\n", encoding="utf-8")
    result = subprocess.run([python, "-m", "qualitycheck", "check", "--no-cache", "--format", "json",
                             "--select", "embed-leftover,shared-url"],
                            cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [
        ("embed-leftover", "a.md", 6), ("shared-url", "b.md", 3)]


def test_the_package_tests_pass_in_the_venv(installed):
    python, package = installed
    output = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=package)
    assert "10 passed" in output


def test_without_the_package_its_rules_are_unknown(capsys):
    assert main(["rules", "embed-leftover"]) == 2
    assert capsys.readouterr().err == "error: unknown rule 'embed-leftover'\n"


# --- qualitycheck.testing in this suite too -----------------------------------------------------------

def _word_rule():
    from qualitycheck import Issue, Rule

    def check(document, context):
        for number, line in enumerate(document.lines, start=1):
            column = line.find("XXX")
            if column != -1:
                yield Issue(message="XXX left in the text", line=number, column=column + 1,
                            end_line=number, end_column=column + 4)

    return Rule(name="leftover-x", code="T001", summary="XXX in the text", check=check)


def test_assert_expected_lists_what_is_missing_and_what_is_unexpected(tmp_path):
    from qualitycheck.testing import assert_expected

    fixture = tmp_path / "fixture.md"
    fixture.write_text("---\ntitle: T  # expect: metadata\n---\nFine XXX <!-- expect: leftover-x:6 -->\n"
                       "Clean line. <!-- expect: leftover-x -->\nAlso XXX here.\n", encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        assert_expected(_word_rule(), fixture)
    assert str(failure.value) == (
        "expected but not reported:\n"
        "  fixture.md: line 5: leftover-x\n"
        "reported but not expected:\n"
        "  fixture.md: line 6, column 6: leftover-x: XXX left in the text")


def test_markers_are_removed_before_the_rule_runs_and_lines_stay():
    from qualitycheck.testing import Expectation, check_rule, parse_expectations

    text, expected = parse_expectations("---\ntitle: T  # expect: metadata\n---\nA XXX  <!-- expect: leftover-x, leftover-x:3 -->\n")
    assert text == "---\ntitle: T\n---\nA XXX\n"
    assert expected == [Expectation("metadata", 2), Expectation("leftover-x", 4), Expectation("leftover-x", 4, 3)]
    assert [(f.line, f.column, f.end_column) for f in check_rule(_word_rule(), text)] == [(4, 3, 6)]


def test_check_corpus_passes_collected_data_through_pickle_as_a_run_does():
    from qualitycheck import Issue, Rule
    from qualitycheck.testing import check_corpus

    def collect(document, context):
        return (word for word in document.text.split())

    def check(entries, context):
        for entry in entries:
            yield Issue(message=f"{len(list(entry.data))} words", document=entry.ref)

    rule = Rule(name="lazy-words", code="T002", summary="Counts words lazily", check=check, collect=collect,
                scope="corpus")
    with pytest.raises(TypeError) as failure:
        check_corpus(rule, {"a.md": "Three short words.", "b.md": "Two words."})
    assert str(failure.value) == (
        "rule 'lazy-words': what collect returned for a.md cannot be pickled (TypeError: cannot pickle "
        "'generator' object); a run passes it between processes and stores it in the cache")
    listing = Rule(name="listed-words", code="T003", summary="Counts words", check=check,
                   collect=lambda document, context: document.text.split(), scope="corpus")
    assert [f.message for f in check_corpus(listing, {"a.md": "Three short words.", "b.md": "Two words."})] == [
        "3 words", "2 words"]
