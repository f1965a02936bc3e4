"""Rules defined in rules.yaml alone: each kind, load-time errors, the time limit, report parity."""

from __future__ import annotations

import json
import pickle
import textwrap

import pytest

from qualitycheck.cli import main
from qualitycheck.config import load_config
from qualitycheck.plugins import load_registry
from qualitycheck.ruleset import build_ruleset, ruleset_digest


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_json(capsys, report_validator, *args):
    code = main(["check", "--format", "json", "--no-cache", *args])
    captured = capsys.readouterr()
    return code, report_validator(json.loads(captured.out)), captured.err


def spans(report):
    return [(f["rule"], f["line"], f["column"], f["end_line"], f["end_column"], f["message"])
            for f in report["findings"]]


def config_error(capsys, rules_yaml):
    """The error lines `qualitycheck rules` prints for `rules_yaml`, asserting exit 2."""
    write(__import__("pathlib").Path("rules.yaml"), rules_yaml)
    assert main(["rules"]) == 2
    return capsys.readouterr().err.splitlines()


# --- each kind ------------------------------------------------------------------------------------

def test_phrases_are_case_whitespace_and_quote_tolerant_whole_words(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", """\
        rules:
          newsletter-signup:
            kind: phrases
            phrases: ["Sign up for our newsletter", "Don't miss a story"]
            message: "newsletter sign-up box left in the article: {match}"
            severity: error
        """)
    write(tmp_path / "harbour.md", """\
        ---
        title: Harbour dredging starts
        ---
        Dredgers arrived at the east quay on Monday.
        SIGN UP  for our
        newsletter and don\u2019t miss a story.
        The club will sign up for our newsletters later.
        """)
    code, report, _ = run_json(capsys, report_validator, "--select", "newsletter-signup")
    assert code == 1
    assert spans(report) == [
        ("newsletter-signup", 5, 1, 6, 11, "newsletter sign-up box left in the article: SIGN UP for our newsletter"),
        ("newsletter-signup", 6, 16, 6, 34, "newsletter sign-up box left in the article: don\u2019t miss a story"),
    ]
    assert report["findings"][0]["severity"] == "error"
    assert report["findings"][0]["code"] == "Y001"


def test_phrases_case_sensitive_and_inside_words(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", """\
        rules:
          share-widget:
            kind: phrases
            phrases: ["Share"]
            ignore-case: false
            whole-word: false
        """)
    write(tmp_path / "a.txt", "Shares rose. share prices. ShareThis\n")
    _, report, _ = run_json(capsys, report_validator, "--select", "share-widget")
    assert [(f["column"], f["excerpt"]) for f in report["findings"]] == [(1, "Share"), (28, "Share")]


def test_pattern_rule_from_the_issue_flags_print_headers(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", r"""
        rules:
          print-edition-header:
            kind: pattern
            patterns: ['^Page \d+ of \d+$']
            message: "page header from the print edition"
        """)
    write(tmp_path / "ferry.txt", "The ferry timetable changes in May.\nPage 2 of 7\nCrossings will be hourly. Page 3 of 7 follows.\n")
    code, report, _ = run_json(capsys, report_validator, "--select", "print-edition-header")
    assert code == 1
    assert spans(report) == [("print-edition-header", 2, 1, 2, 12, "page header from the print edition")]
    assert report["rules"] == [{"name": "print-edition-header", "code": "Y001", "severity": "warning",
                                "origin": "rules.yaml",
                                "summary": "Page header from the print edition"}]


def test_pattern_scopes_line_text_and_field(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", r"""
        rules:
          draft-marker:
            kind: pattern
            patterns: ['\bDRAFT\b']
            scope: text
          title-shouting:
            kind: pattern
            patterns: ['[A-Z]{5,}']
            scope: field
            field: title
            message: "capitals in the {field}: {match}"
          trailing-space:
            kind: pattern
            patterns: ['[ \t]+$']
            scope: line
            message: "trailing whitespace"
        """)
    write(tmp_path / "vote.md", "---\ntitle: Council AGREES budget\nstatus: DRAFT\n---\nThe vote passed.  \nDRAFT copy.\n")
    _, report, _ = run_json(capsys, report_validator, "--select", "draft-marker,title-shouting,trailing-space")
    assert spans(report) == [
        ("title-shouting", 2, 16, 2, 22, "capitals in the title: AGREES"),
        ("draft-marker", 3, 9, 3, 14, "'DRAFT' should not be in the article"),
        ("trailing-space", 5, 17, 5, 19, "trailing whitespace"),
        ("draft-marker", 6, 1, 6, 6, "'DRAFT' should not be in the article"),
    ]


def test_substitution_suggests_a_fix_and_keeps_case(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", """\
        rules:
          house-style:
            kind: substitution
            swap: {"e-mail": "email", "web site": "website"}
            code: STY1
        """)
    write(tmp_path / "note.txt", "E-mail the desk or visit our web\nsite.\n")
    _, report, _ = run_json(capsys, report_validator, "--select", "STY1")
    assert [(f["line"], f["column"], f["message"], f["fix"]) for f in report["findings"]] == [
        (1, 1, "use 'Email' instead of 'E-mail'", {"replacement": "Email",
                                                   "description": "replace 'E-mail' with 'Email'"}),
        (1, 30, "use 'website' instead of 'web site'", {"replacement": "website",
                                                        "description": "replace 'web site' with 'website'"}),
    ]
    assert report["findings"][0]["code"] == "STY1"


def test_metadata_rule_validates_front_matter_fields(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", """\
        rules:
          needs-byline:
            kind: metadata
            schema:
              required: [author]
              properties:
                section: {enum: [news, sport, culture]}
            message: "byline check: {error}"
        """)
    write(tmp_path / "match.md", "---\ntitle: Cup final\nsection: sports\n---\nThe final ended 2-1.\n")
    _, report, _ = run_json(capsys, report_validator, "--select", "needs-byline")
    assert [(f["line"], f["message"]) for f in report["findings"]] == [
        (1, "byline check: 'author' is a required property"),
        (3, "byline check: section: 'sports' is not one of ['news', 'sport', 'culture']"),
    ]


def test_line_count_and_length_limits(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", """\
        rules:
          teaser-only:
            kind: line-count
            min: 3
            message: "only {count} lines; a full article has {expected}"
          long-line:
            kind: length
            scope: line
            max: 30
          long-title:
            kind: length
            scope: field
            field: title
            max: 5
            unit: words
        """)
    write(tmp_path / "short.md", "---\ntitle: Bridge reopens after repairs to its deck\n---\n"
                                 "The bridge reopened today after eight months of repairs.\n\nTraffic is light.\n")
    _, report, _ = run_json(capsys, report_validator, "--select", "teaser-only,long-line,long-title")
    assert spans(report) == [
        ("long-title", 2, 8, 2, 48, "7 words; expected at most 5"),
        ("teaser-only", 4, 1, 4, 57, "only 2 lines; a full article has at least 3"),
        ("long-line", 4, 31, 4, 57, "56 characters; expected at most 30"),
    ]


def test_line_count_max_points_at_the_first_line_past_the_limit(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", "rules:\n  too-long:\n    kind: line-count\n    max: 2\n    count-blank: true\n")
    write(tmp_path / "a.txt", "one\n\nthree\nfour\n")
    _, report, _ = run_json(capsys, report_validator, "--select", "too-long")
    assert spans(report) == [("too-long", 3, 1, 3, 6, "4 lines; expected at most 2")]


# --- like a built-in rule -------------------------------------------------------------------------

RULES_FOR_PARITY = """\
rules:
  newsletter-signup:
    kind: phrases
    phrases: ["Sign up for our newsletter"]
  app-promo:
    kind: phrases
    phrases: ["Download our app"]
    code: APP7
  print-header:
    kind: pattern
    patterns: ['^Page \\d+ of \\d+$']
    severity: info
    enabled: false
"""


def test_generated_codes_follow_file_order_and_skip_explicit_ones(tmp_path, capsys):
    write(tmp_path / "rules.yaml", RULES_FOR_PARITY)
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["name"]: (r["code"], r["severity"], r["origin"]) for r in json.loads(capsys.readouterr().out)}
    assert listed["newsletter-signup"] == ("Y001", "warning", "rules.yaml")
    assert listed["app-promo"] == ("APP7", "warning", "rules.yaml")
    assert listed["print-header"] == ("Y002", "info", "rules.yaml")


def test_yaml_rules_are_selected_suppressed_and_disabled_like_built_in_ones(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", RULES_FOR_PARITY)
    write(tmp_path / "a.md", "Sign up for our newsletter.\n<!-- qualitycheck: disable-next-line=APP7 -->\n"
                             "Download our app.\nPage 1 of 2\n")
    code, report, _ = run_json(capsys, report_validator, "--ignore", "QC001,QC002")
    names = [f["rule"] for f in report["findings"]]
    assert "newsletter-signup" in names and "app-promo" not in names and "print-header" not in names
    assert report["summary"]["suppressed"] == 1
    code, report, _ = run_json(capsys, report_validator, "--select", "Y001")
    assert [f["rule"] for f in report["findings"]] == ["newsletter-signup"]


def test_the_cache_digest_changes_with_the_definition(tmp_path):
    write(tmp_path / "rules.yaml", RULES_FOR_PARITY)
    first = load_config(tmp_path / "rules.yaml")
    before = ruleset_digest(build_ruleset(first, load_registry(first, load_entry_points=False)))
    write(tmp_path / "rules.yaml", RULES_FOR_PARITY.replace("Download our app", "Get our app"))
    second = load_config(tmp_path / "rules.yaml")
    after = ruleset_digest(build_ruleset(second, load_registry(second, load_entry_points=False)))
    assert before != after


def test_a_yaml_rule_survives_pickling_for_worker_processes(tmp_path):
    from qualitycheck.model import Document, RuleContext

    write(tmp_path / "rules.yaml", RULES_FOR_PARITY)
    config = load_config(tmp_path / "rules.yaml")
    rule = load_registry(config, load_entry_points=False).rules["newsletter-signup"]
    copy = pickle.loads(pickle.dumps(rule.check))
    issues = list(copy(Document(path="a.txt", text="x\nsign up for our newsletter\n"), RuleContext({}, None)))
    assert [(i.line, i.column, i.end_column) for i in issues] == [(2, 1, 27)]


# --- load-time errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, expected", [
    ("'^Page (\\d+ of \\d+$'", "rules.yaml:4:23: rules.print-header.patterns.0: not a valid regular expression: "
                               "missing ), unterminated subpattern"),
    ("'Page \\d+$ of'", "rules.yaml:4:25: rules.print-header.patterns.0: '$' is followed by more required text, "
                        "so the pattern can never match; '$' only matches at the end of a line"),
    ("'edition^'", "rules.yaml:4:24: rules.print-header.patterns.0: '^' is preceded by required text, so the "
                   "pattern can never match; '^' only matches at the start of a line"),
    ("'\\bU\\.S\\.\\b'", "rules.yaml:4:25: rules.print-header.patterns.0: '\\b' next to punctuation or space at "
                         "the edge of the pattern only matches when a letter follows (or precedes) it, so a phrase "
                         "such as 'U.S.' before a space never matches; use (?<!\\w) and (?!\\w) instead"),
    ("'(page)?'", "rules.yaml:4:17: rules.print-header.patterns.0: the pattern can match empty text, so it would "
                  "flag every position; make at least one character required"),
    ("''", "rules.yaml:4:17: rules.print-header.patterns.0: the pattern is empty, so it would match everywhere"),
])
def test_bad_patterns_are_config_errors_at_the_pattern(tmp_path, capsys, pattern, expected):
    errors = config_error(capsys, f"rules:\n  print-header:\n    kind: pattern\n    patterns: [{pattern}]\n")
    assert errors == [f"error: {expected}"]


@pytest.mark.parametrize("entry, expected", [
    ("kind: phrases\n    phrase: [Subscribe]",
     "rules.yaml:3:5: rules.promo: 'phrases' is a required property\n"
     "error: rules.yaml:4:5: rules.promo.phrase: unknown key; did you mean 'phrases'?"),
    ("kind: phrase\n    phrases: [Subscribe]",
     "rules.yaml:3:11: rules.promo.kind: 'phrase' is not one of: phrases, pattern, substitution, metadata, "
     "line-count, length"),
    ("kind: phrases\n    phrases: [Subscribe]\n    message: 'found {matched}'",
     "rules.yaml:5:14: rules.promo.message: unknown placeholder {matched}; a phrases rule offers {match}, "
     "{phrase}, {field}"),
    ("kind: phrases\n    phrases: [sign up]\n    examples:\n      bad: ['She signed up.']",
     "rules.yaml:6:13: rules.promo.examples.bad.0: the rule does not flag this example, but `bad` examples "
     "must be flagged; check the rule's phrases"),
    ("kind: phrases\n    phrases: [sign up]\n    examples:\n      good: ['Please sign  up.']",
     "rules.yaml:6:14: rules.promo.examples.good.0: the rule flags this example (\"'sign up' should not be in "
     "the article\" at column 8), but `good` examples must pass"),
    ("kind: length\n    scope: field",
     "rules.yaml:3:5: rules.promo: 'field' is a required property"),
    ("kind: length\n    scope: line",
     "rules.yaml:3:5: rules.promo: a length rule needs `min`, `max` or both"),
    ("kind: phrases\n    phrases: [a]\n    code: QC101x",
     "rules.yaml:5:11: rules.promo.code: 'QC101x' does not match '^[A-Za-z]{1,8}[0-9]{1,5}$'"),
])
def test_definition_mistakes_are_config_errors(tmp_path, capsys, entry, expected):
    assert config_error(capsys, f"rules:\n  promo:\n    {entry}\n") == f"error: {expected}".splitlines()


def test_rule_names_must_be_kebab_case_and_not_taken(tmp_path, capsys):
    assert config_error(capsys, "rules:\n  Promo_Box:\n    kind: phrases\n    phrases: [a]\n") == [
        "error: rules.yaml:2:3: rules.Promo_Box: rule name 'Promo_Box' must be kebab-case (lower-case words "
        "joined by '-'), like 'newsletter-signup'"]
    assert config_error(capsys, "rules:\n  metadata:\n    kind: phrases\n    phrases: [a]\n") == [
        "error: rules.yaml:2:3: rules.metadata: rule 'metadata' is already registered by qualitycheck; "
        "give the rule defined here another name"]


def test_examples_that_pass_load_quietly(tmp_path, capsys):
    write(tmp_path / "rules.yaml", """\
        rules:
          app-promo:
            kind: pattern
            patterns: ['(?i)download (?:our|the) \\w+ app']
            examples:
              bad: ["Download the Tidewater app today"]
              good: ["She downloaded the ferry app in 2019."]
        """)
    assert main(["rules", "app-promo"]) == 0
    out = capsys.readouterr().out
    assert "## Example\nThis is flagged:\n```text\nDownload the Tidewater app today\n```" in out
    assert "None: change the definition itself (rules.yaml:2:3)." in out


# --- the time limit -------------------------------------------------------------------------------

def test_a_catastrophic_pattern_is_stopped_and_reported(tmp_path, capsys, report_validator):
    write(tmp_path / "rules.yaml", """\
        rules:
          runaway:
            kind: pattern
            patterns: ['(a+)+$']
            timeout: 0.2
          newsletter-signup:
            kind: phrases
            phrases: ["Sign up for our newsletter"]
        """)
    write(tmp_path / "long.txt", "a" * 30000 + "b\nSign up for our newsletter\n")
    code, report, err = run_json(capsys, report_validator, "--select", "runaway,newsletter-signup")
    assert code == 2
    assert [f["rule"] for f in report["findings"]] == ["newsletter-signup"]
    assert report["errors"] == [{
        "rule": "runaway", "plugin": "rules.yaml", "path": "long.txt", "record": None,
        "error": "PatternTimeout: pattern '(a+)+$' (rules.yaml:4:16) of rule 'runaway' was stopped after 0.2 s: "
                 "it backtracks too much on this text; rewrite it without nested repetition such as (a+)+, "
                 "or raise `timeout:`",
    }]
    assert "rule 'runaway' from rules.yaml" in err


def test_a_catastrophic_pattern_in_an_example_is_a_config_error(tmp_path, capsys):
    errors = config_error(capsys, "rules:\n  runaway:\n    kind: pattern\n    patterns: ['(a+)+$']\n"
                                  "    timeout: 0.1\n    examples:\n      good: ['" + "a" * 20000 + "b']\n")
    assert errors == ["error: rules.yaml:7:14: rules.runaway.examples.good.0: the rule fails on this example: "
                      "pattern '(a+)+$' (rules.yaml:4:16) of rule 'runaway' was stopped after 0.1 s: it "
                      "backtracks too much on this text; rewrite it without nested repetition such as (a+)+, "
                      "or raise `timeout:`"]
