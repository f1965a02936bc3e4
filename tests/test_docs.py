"""Docs that cannot drift: every hook, public name and built-in rule is documented.

A hook added to hookspecs.py without docs in docs/plugins.md, a rule without
ruff-shaped docs or an option missing from its docs fails here, and so does
a YAML example in docs/yaml-rules.md that no longer loads.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

import qualitycheck
import qualitycheck.testing
from qualitycheck import hookspecs
from qualitycheck.builtin.yaml_rules import KINDS
from qualitycheck.cli import main
from qualitycheck.config import Config
from qualitycheck.plugins import load_registry

REPO = Path(__file__).resolve().parents[1]
PLUGINS_MD = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
YAML_RULES_MD = (REPO / "docs" / "yaml-rules.md").read_text(encoding="utf-8")
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Options")

HOOKS = sorted(name for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
               if hasattr(function, "qualitycheck_spec"))


def _builtin_rules():
    return list(load_registry(Config(), load_entry_points=False).rules.values())


def _rules_from_file(path: Path):
    spec = importlib.util.spec_from_file_location(f"_docs_check_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _example_rules():
    package = REPO / "examples" / "plugin-package" / "src" / "qualitycheck_newsroom"
    return [_rules_from_file(package / "embeds.py").EMBED_LEFTOVER,
            _rules_from_file(package / "shared_url.py").SHARED_URL,
            *_rules_from_file(REPO / "plugins" / "page_marker.py").qualitycheck_register_rules()]


def test_there_are_hooks_to_document():
    assert HOOKS == ["qualitycheck_register_formatters", "qualitycheck_register_loaders",
                     "qualitycheck_register_rules"]


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_docs_with_an_example_and_is_in_plugins_md(name):
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc and "Example::" in doc, f"{name} in hookspecs.py needs a docstring with an Example:: block"
    first_line = doc.splitlines()[0]
    assert f"### {name}(" in PLUGINS_MD, f"docs/plugins.md has no section for {name}"
    section = PLUGINS_MD.split(f"### {name}(", 1)[1].split("\n### ", 1)[0]
    assert first_line in section, f"docs/plugins.md must quote the first line of {name}'s docstring"


@pytest.mark.parametrize("name", [n for n in qualitycheck.__all__])
def test_every_public_name_is_in_plugins_md(name):
    assert f"`{name}`" in PLUGINS_MD


@pytest.mark.parametrize("name", qualitycheck.testing.__all__)
def test_every_testing_helper_is_in_plugins_md(name):
    assert f"`{name}" in PLUGINS_MD


def _assert_ruff_shaped(rule):
    positions = [rule.docs.find(f"{section}\n") for section in SECTIONS]
    assert -1 not in positions, f"rule {rule.name}: docs need the sections {SECTIONS}"
    assert positions == sorted(positions), f"rule {rule.name}: sections out of order"
    bodies = re.split(r"^## .*$", rule.docs, flags=re.M)[1:5]
    assert all(body.strip() for body in bodies), f"rule {rule.name}: a docs section is empty"
    options_section = rule.docs.split("## Options", 1)[1]
    for option, spec in (rule.options_schema.get("properties") or {}).items():
        assert f"`{option}`" in options_section, f"rule {rule.name}: option {option!r} is not in ## Options"
        assert isinstance(spec, dict) and spec.get("description"), \
            f"rule {rule.name}: option {option!r} needs a description in its schema"


def test_there_are_built_in_rules():
    assert {"unreadable-file", "metadata"} <= {rule.name for rule in _builtin_rules()}


@pytest.mark.parametrize("rule", _builtin_rules() + _example_rules(), ids=lambda rule: rule.name)
def test_every_built_in_and_example_rule_has_ruff_shaped_docs(rule):
    assert rule.summary and "\n" not in rule.summary
    _assert_ruff_shaped(rule)


@pytest.mark.parametrize("name", [rule.name for rule in _builtin_rules()])
def test_rules_name_prints_the_docs_and_option_defaults(name, capsys):
    assert main(["rules", name]) == 0
    out = capsys.readouterr().out
    rule = next(r for r in _builtin_rules() if r.name == name)
    assert out.startswith(f"# {name} ({rule.code})\n")
    for section in SECTIONS:
        assert section in out
    for option in rule.options_schema.get("properties") or {}:
        assert f"- `{option}` = " in out


@pytest.mark.parametrize("kind", KINDS)
def test_every_yaml_rule_kind_has_a_section(kind):
    assert f"\n## {kind}\n" in YAML_RULES_MD


@pytest.mark.parametrize("block", [b for b in re.findall(r"```yaml\n(.*?)```", YAML_RULES_MD, re.S) if "rules:" in b])
def test_every_yaml_example_in_the_docs_loads(block, tmp_path, capsys):
    (tmp_path / "rules.yaml").write_text(block, encoding="utf-8")
    assert main(["rules", "--format", "json"]) == 0, capsys.readouterr().err
    capsys.readouterr()


def test_a_yaml_rules_docs_are_ruff_shaped(tmp_path):
    (tmp_path / "rules.yaml").write_text(
        "rules:\n  app-promo:\n    kind: phrases\n    phrases: [Get the app]\n    examples:\n"
        "      bad: ['Get the app now']\n", encoding="utf-8")
    from qualitycheck.config import load_config

    rule = load_registry(load_config(tmp_path / "rules.yaml"), load_entry_points=False).rules["app-promo"]
    _assert_ruff_shaped(rule)


def test_readme_points_to_the_rule_docs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "## Writing rules" in readme
    assert "docs/yaml-rules.md" in readme and "docs/plugins.md" in readme
