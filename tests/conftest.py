"""Shared fixtures: every test runs in its own empty working directory."""

from __future__ import annotations

import json
from importlib import resources

import pytest


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path, monkeypatch):
    """Run each test in a fresh folder so no rules.yaml of the checkout is discovered."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture(scope="session")
def report_validator():
    """Validates a report dict against the JSON Schema the package ships."""
    import jsonschema

    schema = json.loads(resources.files("qualitycheck").joinpath("schemas/report.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)

    def validate(report: dict) -> dict:
        validator.validate(report)
        return report

    return validate


@pytest.fixture
def check_json(capsys, report_validator):
    """Run `qualitycheck check --format json ARGS` through main().

    Returns (exit code, the report validated against the shipped schema, stderr).
    """
    from qualitycheck.cli import main

    def run(*args: str):
        code = main(["check", "--format", "json", *args])
        captured = capsys.readouterr()
        return code, report_validator(json.loads(captured.out)), captured.err

    return run
