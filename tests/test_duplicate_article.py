"""duplicate-article (QC201): the same article twice, whatever shape each copy arrived in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duplicate_fixtures import (
    DREDGING,
    FLOOD_EVACUATION,
    FLOOD_INSURANCE,
    ORCHARD,
    PLANT_BUSINESS,
    PLANT_LOCAL,
    TELESCOPE,
    clean,
    curly,
    jsonl,
    markdown,
    truncated,
    with_boilerplate,
    wrapped,
)
from qualitycheck.cli import main
from qualitycheck.shingles import fingerprint, normalize_words, shingle_set


def write(path: str, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")


def check(capsys, report_validator, *args: str) -> tuple[int, list[tuple]]:
    code = main(["check", *args, "--select", "duplicate-article", "--no-cache", "--format", "json"])
    report = report_validator(json.loads(capsys.readouterr().out))
    findings = [(f["path"], f["record"], f["line"], f["column"], f["end_line"], f["end_column"], f["message"],
                 [(r["path"], r["record"], r["line"]) for r in f["related"]]) for f in report["findings"]]
    assert {f["code"] for f in report["findings"]} <= {"QC201"}
    return code, findings


def test_wrapped_print_copy_and_clean_markdown_name_each_other(capsys, report_validator):
    write("news/dredging.md", markdown(DREDGING, "Harbour Board Approves Dredging Levy"))
    write("scraped/dredging-print.txt", wrapped(DREDGING))

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert findings == [
        ("news/dredging.md", None, 5, 1, 5, 201,
         "same article as scraped/dredging-print.txt (identical text after normalizing)",
         [("scraped/dredging-print.txt", None, 1)]),
        ("scraped/dredging-print.txt", None, 1, 1, 1, 78,
         "same article as news/dredging.md (identical text after normalizing)",
         [("news/dredging.md", None, 5)]),
    ]


def test_copy_with_donation_appeal_and_curly_quotes_is_found(capsys, report_validator):
    write("news/telescope.md", markdown(TELESCOPE, "Solar Telescope Opens"))
    write("scraped/telescope-page.txt", curly(with_boilerplate(TELESCOPE)))

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert findings == [
        ("news/telescope.md", None, 5, 1, 5, 194,
         "same article as scraped/telescope-page.txt (100% of this text's shingles appear there)",
         [("scraped/telescope-page.txt", None, 1)]),
        ("scraped/telescope-page.txt", None, 1, 1, 1, 26,
         "same article as news/telescope.md (100% of its shingles appear here, 70% of this text's appear there)",
         [("news/telescope.md", None, 5)]),
    ]


def test_two_copies_with_different_boilerplate_and_headlines(capsys, report_validator):
    write("a.txt", with_boilerplate(["Frost Ruins Blossom in the Trennel Valley"] + ORCHARD[1:]))
    write("b.txt", "Cookies help us deliver our services. By using this site you agree to our use of cookies.\n\n"
          + clean(["Growers Count the Cost of Two Frosty Nights"] + ORCHARD[1:]) + "\nShare this article\n")

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert [(f[0], f[6]) for f in findings] == [
        ("a.txt", "same article as b.txt (87% of its shingles appear here, 71% of this text's appear there)"),
        ("b.txt", "same article as a.txt (87% of this text's shingles appear there)"),
    ]


def test_truncated_copy_is_the_same_article(capsys, report_validator):
    write("news/orchard.txt", clean(ORCHARD))
    write("scraped/orchard-teaser.txt", truncated(ORCHARD, 3))

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert [(f[0], f[6], f[7]) for f in findings] == [
        ("news/orchard.txt",
         "same article as scraped/orchard-teaser.txt (95% of its shingles appear here, 51% of this text's appear there)",
         [("scraped/orchard-teaser.txt", None, 1)]),
        ("scraped/orchard-teaser.txt", "same article as news/orchard.txt (95% of this text's shingles appear there)",
         [("news/orchard.txt", None, 1)]),
    ]


def test_jsonl_record_and_markdown_file(capsys, report_validator):
    write("wire.jsonl", jsonl([("frost-1", clean(TELESCOPE)), ("harbour-7", clean(DREDGING))]))
    write("news/harbour.md", markdown(DREDGING, "Dredging levy approved"))

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert findings == [
        ("news/harbour.md", None, 5, 1, 5, 201,
         "same article as wire.jsonl#harbour-7 (100% of this text's shingles appear there)",
         [("wire.jsonl", "harbour-7", 2)]),
        ("wire.jsonl", "harbour-7", 1, 1, 1, 61,
         "same article as news/harbour.md (100% of its shingles appear here, 96% of this text's appear there)",
         [("news/harbour.md", None, 5)]),
    ]


def test_three_copies_each_name_the_other_two(capsys, report_validator):
    write("a.md", markdown(DREDGING, "Levy"))
    write("b.txt", wrapped(DREDGING))
    write("c.txt", curly(clean(DREDGING, headline=False)))

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert [(f[0], f[6], [r[0] for r in f[7]]) for f in findings] == [
        ("a.md", "same article as b.txt and 1 other copy (identical text after normalizing)", ["b.txt", "c.txt"]),
        ("b.txt", "same article as a.md and 1 other copy (identical text after normalizing)", ["a.md", "c.txt"]),
        ("c.txt", "same article as a.md and 1 other copy (identical text after normalizing)", ["a.md", "b.txt"]),
    ]


@pytest.mark.parametrize("first, second", [
    (FLOOD_EVACUATION, FLOOD_INSURANCE),  # one event, a shared quoted statement
    (PLANT_LOCAL, PLANT_BUSINESS),  # one event, a shared wire-service paragraph
    (ORCHARD, DREDGING),  # nothing in common
])
def test_different_articles_are_not_duplicates(capsys, report_validator, first, second):
    write("one.md", markdown(first, "One"))
    write("two.txt", wrapped(second))
    write("records.jsonl", jsonl([("x", clean(second))]))  # a real copy of `second`, to show the rule runs

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert [(f[0], f[1]) for f in findings] == [("records.jsonl", "x"), ("two.txt", None)]


def test_threshold_option_decides_what_counts(capsys, report_validator):
    write("rules.yaml", "rules:\n  duplicate-article:\n    options:\n      threshold: 0.97\n")
    write("news/orchard.txt", clean(ORCHARD))
    write("scraped/orchard-teaser.txt", truncated(ORCHARD, 3))  # 95% contained: no longer enough
    write("news/telescope.md", markdown(TELESCOPE, "Solar Telescope Opens"))
    write("scraped/telescope-page.txt", curly(with_boilerplate(TELESCOPE)))  # 100% contained

    code, findings = check(capsys, report_validator, ".")

    assert code == 1
    assert [f[0] for f in findings] == ["news/telescope.md", "scraped/telescope-page.txt"]


def test_only_named_files_are_reported(capsys, report_validator):
    write("news/dredging.md", markdown(DREDGING, "Levy"))
    write("news/telescope.md", markdown(TELESCOPE, "Telescope"))
    write("incoming/print.txt", wrapped(DREDGING))

    code, findings = check(capsys, report_validator, "incoming/print.txt")

    assert code == 1
    assert [(f[0], f[6]) for f in findings] == [
        ("incoming/print.txt", "same article as news/dredging.md (identical text after normalizing)"),
    ]


def test_short_texts_are_not_compared(capsys, report_validator):
    write("rules.yaml", "rules:\n  duplicate-article:\n    options:\n      min-words: 300\n")
    write("a.md", markdown(DREDGING, "Levy"))
    write("b.txt", wrapped(DREDGING))

    code, findings = check(capsys, report_validator, ".")

    assert (code, findings) == (0, [])


def test_invalid_threshold_is_a_config_error(capsys):
    write("rules.yaml", "rules:\n  duplicate-article:\n    options:\n      threshold: 1.5\n")
    write("a.md", markdown(DREDGING, "Levy"))

    code = main(["check", ".", "--no-cache"])

    assert code == 2
    assert capsys.readouterr().err == (
        "error: rules.yaml:4:18: rules.duplicate-article.options.threshold: 1.5 is greater than the maximum of 1\n")


def test_normalizing_removes_wraps_hyphen_breaks_promos_urls_and_quote_styles():
    scraped = ("\u201cThe ferry will keep its time\u00adtable,\u201d she said, adding that the chan-\n"
               "nel is deep enough.\nRelated article: Ferry Fares Rise Again\nhttps://example.org/2031/05/01/x\n"
               "The \ufb01rst crossing is at six.\n")
    cleaned = "\"The ferry will keep its timetable,\" she said, adding that the channel is deep enough. The first crossing is at six."

    assert normalize_words(scraped) == normalize_words(cleaned) == [
        b"the", b"ferry", b"will", b"keep", b"its", b"timetable", b"she", b"said", b"adding", b"that", b"the",
        b"channel", b"is", b"deep", b"enough", b"the", b"first", b"crossing", b"is", b"at", b"six"]


def test_a_url_in_capitals_is_dropped_like_a_lower_case_one():
    assert normalize_words("Ferries sail hourly, see WWW.Harbour-Ferries.ORG/Timetable for details.") == \
        normalize_words("Ferries sail hourly, see www.harbour-ferries.org/timetable for details.") == [
            b"ferries", b"sail", b"hourly", b"see", b"for", b"details"]


def test_letters_outside_ascii_are_words_and_their_punctuation_is_not():
    assert normalize_words("Das Caf\u00e9 \u201eZur M\u00fchle\u201c \u00f6ffnet \u2013 sagt Frau \u00d6zt\u00fcrk\u2026") == [
        w.encode() for w in ("das", "caf\u00e9", "zur", "m\u00fchle", "\u00f6ffnet", "sagt", "frau", "\u00f6zt\u00fcrk")]


def test_a_hyphenated_compound_matches_its_wrapped_form():
    assert normalize_words("a long-running dispute") == normalize_words("a long-\nrunning dispute")


def test_fingerprint_is_stable_and_compact():
    first = fingerprint(clean(DREDGING))
    again = fingerprint(clean(DREDGING))

    assert first == again
    assert len(first.bands) == 42 * 8
    assert len(first.shingles) == 4 * len(shingle_set(first))
    assert first.words == 253
