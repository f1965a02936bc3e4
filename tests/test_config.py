"""rules.yaml: discovery, defaults, and one exact `file:line:col` line per error (exit 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualitycheck.cli import main
from qualitycheck.config import Config, find_config, load_config
from qualitycheck.plugins import load_registry
from support import CORE_RULES, places, project, write

EXAMPLE_PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "page_marker.py"


def _rule_severities(report: dict) -> dict[str, str]:
    return {rule["name"]: rule["severity"] for rule in report["rules"]}


# --- discovery --------------------------------------------------------------------------------------------


def test_config_in_the_working_directory_is_used(tmp_path, check_json):
    write(tmp_path, "rules.yaml", "rules:\n  metadata: {severity: error}\n")
    write(tmp_path, "a.txt", "Plain.\n")

    code, report, _ = check_json("a.txt")

    assert _rule_severities(report)["metadata"] == "error"
    assert code == 0


def test_config_in_a_parent_folder_is_found_and_its_paths_are_relative_to_it(tmp_path, monkeypatch, check_json):
    project(tmp_path, "include: ['articles/**']\n")
    write(tmp_path, "articles/2021/a.md", "XXX\n")
    write(tmp_path, "notes/b.md", "XXX\n")  # outside include:
    monkeypatch.chdir(tmp_path / "articles" / "2021")

    code, report, _ = check_json(*CORE_RULES)  # no path: what include: names, shown relative to the cwd

    assert places(report, "rule", "path") == [("marker", "a.md")]
    assert code == 1


def test_dot_qualitycheck_yaml_is_found_and_rules_yaml_wins_beside_it(tmp_path):
    write(tmp_path, ".qualitycheck.yaml", "fail-on: error\n")
    (tmp_path / "sub").mkdir()
    assert find_config(tmp_path / "sub") == tmp_path / ".qualitycheck.yaml"
    assert load_config(cwd=tmp_path / "sub").path == tmp_path / ".qualitycheck.yaml"

    write(tmp_path, "rules.yaml", "fail-on: info\n")
    assert find_config(tmp_path / "sub") == tmp_path / "rules.yaml"


def test_the_nearest_config_wins(tmp_path):
    write(tmp_path, "rules.yaml", "fail-on: info\n")
    write(tmp_path, "team/.qualitycheck.yaml", "fail-on: error\n")

    config = load_config(cwd=tmp_path / "team")

    assert config.path == tmp_path / "team" / ".qualitycheck.yaml"
    assert str(config.fail_on) == "error"


def test_explicit_config_overrides_discovery(tmp_path, check_json):
    write(tmp_path, "rules.yaml", "rules: {metadata: {severity: error}}\n")
    write(tmp_path, "ci/strict.yaml", "rules: {metadata: {severity: info}}\n")
    write(tmp_path, "a.txt", "Plain.\n")

    _, report, _ = check_json("--config", "ci/strict.yaml", "a.txt")

    assert _rule_severities(report)["metadata"] == "info"


def test_without_a_config_every_builtin_rule_runs_with_its_defaults(tmp_path, check_json):
    write(tmp_path, "a.txt", "Plain.\n")

    code, report, _ = check_json("a.txt")

    builtin = {name: rule.default_severity for name, rule in load_registry(Config(root=tmp_path)).rules.items()}
    assert _rule_severities(report) == {name: str(severity) for name, severity in builtin.items()}
    assert {"metadata", "unreadable-file"} <= set(builtin)
    assert load_config(cwd=tmp_path).path is None


def test_empty_sections_and_null_rule_entries_mean_defaults(tmp_path, check_json):
    write(tmp_path, "rules.yaml", "include:\nexclude:\nplugins:\ninputs:\nrules:\n")
    write(tmp_path, "a.txt", "Plain.\n")
    assert check_json("a.txt")[0] == 0

    write(tmp_path, "rules.yaml", "rules:\n  metadata:\n  unreadable-file:\n")
    code, report, _ = check_json("a.txt")
    assert _rule_severities(report)["unreadable-file"] == "error"
    assert code == 0


def test_rule_configured_by_code(tmp_path, check_json):
    write(tmp_path, "rules.yaml", """\
        rules:
          qc002:
            severity: error
            options:
              schema: {required: [title]}
    """)
    write(tmp_path, "a.md", "No front matter here.\n")

    code, report, _ = check_json("--select", "metadata", "a.md")

    assert places(report, "rule", "code", "severity", "message") == [
        ("metadata", "QC002", "error", "metadata 'title' is a required property")
    ]
    assert code == 1


def test_disabled_rule_does_not_run(tmp_path, check_json):
    write(tmp_path, "rules.yaml", "rules:\n  unreadable-file: {enabled: false}\n")
    (tmp_path / "a.txt").write_bytes(b"")

    code, report, _ = check_json("a.txt")

    assert "unreadable-file" not in _rule_severities(report)
    assert report["findings"] == []
    assert code == 0


# --- errors -----------------------------------------------------------------------------------------------


CONFIG_ERRORS = {
    "yaml-syntax": (
        "rules: [metadata\n",
        "rules.yaml:2:1: invalid YAML: while parsing a flow sequence started on line 1, column 8, "
        "did not find expected ',' or ']'",
    ),
    "duplicate-key": (
        "fail-on: warning\nexclude: []\nfail-on: error\n",
        "rules.yaml:3:1: duplicate key 'fail-on' (first defined on line 1)",
    ),
    "duplicate-nested-key": (
        "rules:\n  metadata:\n    severity: info\n    severity: error\n",
        "rules.yaml:4:5: duplicate key 'severity' (first defined on line 3)",
    ),
    "unknown-top-level-key": ("exlude: [drafts]\n", "rules.yaml:1:1: exlude: unknown key; did you mean 'exclude'?"),
    "unknown-key-without-hint": ("colour: red\n", "rules.yaml:1:1: colour: unknown key"),
    "wrong-type": ("include: examples\n", "rules.yaml:1:10: include: expected a list, got 'examples'"),
    "wrong-item-type": ("exclude:\n  - drafts\n  - 3\n", "rules.yaml:3:5: exclude.1: expected a string, got 3"),
    "not-a-mapping": ("- metadata\n", "rules.yaml:1:1: <top>: expected a mapping, got a list"),
    "version": ("version: 2\n", "rules.yaml:1:10: version: must be 1, not 2"),
    "bad-severity": (
        "rules:\n  metadata:\n    severity: fatal\n",
        "rules.yaml:3:15: rules.metadata.severity: 'fatal' is not one of: error, warning, info",
    ),
    "empty-severity": (
        "rules:\n  metadata:\n    severity:\n",
        "rules.yaml:3:14: rules.metadata.severity: an empty value is not one of: error, warning, info",
    ),
    "bad-enabled": (
        "rules:\n  metadata: {enabled: 'no'}\n",
        "rules.yaml:2:23: rules.metadata.enabled: expected true or false, got 'no'",
    ),
    "unknown-rule-key": (
        "rules:\n  metadata:\n    optons: {}\n",
        "rules.yaml:3:5: rules.metadata.optons: unknown key; did you mean 'options'?",
    ),
    "bad-fail-on": (
        "fail-on: warnings\n",
        "rules.yaml:1:10: fail-on: 'warnings' is not one of: error, warning, info, never",
    ),
    "unknown-rule": (
        "rules:\n  metdata: {severity: info}\n",
        "rules.yaml:2:3: rules.metdata: unknown rule 'metdata'; did you mean 'metadata'?",
    ),
    "rule-twice": (
        "rules:\n  metadata: {}\n  QC002: {}\n",
        "rules.yaml:3:10: rules.QC002: rule 'metadata' is configured twice (as 'metadata' and 'QC002')",
    ),
    "builtin-option-schema": (
        "rules:\n  metadata:\n    options:\n      schema: [title]\n",
        "rules.yaml:4:15: rules.metadata.options.schema: expected a mapping, got a list",
    ),
    "plugin-option-schema": (
        "plugins: [page_marker.py]\nrules:\n  page-marker:\n    options:\n      max-page: \"x\"\n",
        "rules.yaml:5:17: rules.page-marker.options.max-page: expected an integer, got 'x'",
    ),
    "plugin-option-schema-by-code": (
        "plugins: [page_marker.py]\nrules:\n  EX001:\n    options:\n      max-page: 0\n",
        "rules.yaml:5:17: rules.EX001.options.max-page: 0 is less than the minimum of 1",
    ),
    "loader-option": (
        "inputs:\n  jsonl:\n    text-feld: body\n",
        "rules.yaml:3:5: inputs.jsonl.text-feld: unknown key; did you mean 'text-field'?",
    ),
    "plugin-file-missing": (
        "plugins:\n  - checks/missing.py\n",
        "rules.yaml:2:5: plugins.0: plugin file checks/missing.py does not exist",
    ),
    "plugin-raises-on-import": (
        "plugins: [page_marker.py, needs_key.py]\n",
        "rules.yaml:1:27: plugins.1: plugin needs_key.py failed to load: RuntimeError: set NEWS_API_KEY first",
    ),
}


@pytest.mark.parametrize("case", sorted(CONFIG_ERRORS))
def test_config_error_is_one_line_with_position_and_exit_2(tmp_path, capsys, case):
    text, expected = CONFIG_ERRORS[case]
    shutil.copy(EXAMPLE_PLUGIN, tmp_path / "page_marker.py")
    write(tmp_path, "needs_key.py", "raise RuntimeError('set NEWS_API_KEY first')\n")
    write(tmp_path, "rules.yaml", text)
    write(tmp_path, "a.txt", "Plain.\n")

    code = main(["check", "a.txt"])

    captured = capsys.readouterr()
    assert (code, captured.out, captured.err) == (2, "", f"error: {expected}\n")


def test_unknown_loader_in_inputs_names_the_known_ones(tmp_path, capsys):
    write(tmp_path, "rules.yaml", "inputs:\n  docx: {}\n")
    known = ", ".join(sorted(load_registry(Config(root=tmp_path)).loaders))

    code = main(["check", "."])

    assert code == 2
    assert capsys.readouterr().err == f"error: rules.yaml:2:3: inputs.docx: no loader named 'docx' (known: {known})\n"


def test_every_schema_error_is_reported_each_on_its_own_line(tmp_path, capsys):
    write(tmp_path, "rules.yaml", "fail-on: sometimes\ninclude: '*.md'\n")

    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        "error: rules.yaml:1:10: fail-on: 'sometimes' is not one of: error, warning, info, never\n"
        "error: rules.yaml:2:10: include: expected a list, got '*.md'\n"
    )


def test_errors_name_the_config_relative_to_the_working_directory(tmp_path, monkeypatch, capsys):
    write(tmp_path, "rules.yaml", "fail-on: loud\n")
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")

    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        "error: ../../rules.yaml:1:10: fail-on: 'loud' is not one of: error, warning, info, never\n"
    )


def test_config_option_pointing_at_a_missing_file(tmp_path, capsys):
    assert main(["check", "--config", "ci/missing.yaml", "."]) == 2
    assert capsys.readouterr().err == "error: ci/missing.yaml: config file not found; check --config\n"


def test_config_option_pointing_at_a_folder(tmp_path, capsys):
    (tmp_path / "ci").mkdir()

    assert main(["check", "--config", "ci", "."]) == 2
    assert capsys.readouterr().err == "error: ci: is a folder; --config takes a file such as rules.yaml\n"


def test_config_that_is_not_utf8(tmp_path, capsys):
    (tmp_path / "rules.yaml").write_bytes(b"# caf\xe9\nfail-on: error\n")

    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        "error: rules.yaml: cannot read config file: 'utf-8' codec can't decode byte 0xe9 in position 5: "
        "invalid continuation byte\n"
    )


def test_the_repository_rules_yaml_is_valid_and_loads_the_example_plugin(monkeypatch):
    repo = EXAMPLE_PLUGIN.parents[1]
    monkeypatch.chdir(repo)

    config = load_config(repo / "rules.yaml")
    registry = load_registry(config)

    assert registry.rules["page-marker"].origin == "plugins/page_marker.py"
    assert str(config.fail_on) == "warning"
