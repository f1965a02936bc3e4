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
