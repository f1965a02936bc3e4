"""duplicate-paragraph (QC105): a paragraph repeated in one article, wrapped or not."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

from qualitycheck.builtin.duplicate_paragraph import check_duplicate_paragraph
from qualitycheck.cli import main
from qualitycheck.model import Document, Related, RuleContext
from qualitycheck.paragraphs import normalize, split_paragraphs, unwrap

OPTIONS = {"min-words": 10, "min-chars": 60}

TEASER = ("The regional orchestra will play its last concert in the old hall on Saturday before the building "
          "closes for a two-year renovation, its director said.")
BODY = ("Rehearsals will move to a former tram depot, where the acoustics are surprisingly good, according to "
        "the principal cellist.")
TAIL = "Tickets for the farewell concert sold out within an hour."


def issues(text: str, fmt: str = "md", first_line: int = 1, record=None, **options):
    document = Document(path=f"hall.{fmt}", text=text, format=fmt, first_line=first_line, record=record)
    return list(check_duplicate_paragraph(document, RuleContext({**OPTIONS, **options}, dt.date(2024, 1, 1))))


def test_repeated_paragraph_is_reported_with_a_pointer_to_the_first():
    text = f"{TEASER}\n\n{BODY}\n\n{TEASER}\n\n{TAIL}\n"
    found = issues(text)
    assert [(i.line, i.column, i.end_line, i.end_column) for i in found] == [(5, 1, 5, len(TEASER) + 1)]
    assert found[0].message == "paragraph repeats the one on line 1 (25 words); remove the copy"
    assert found[0].related == (Related("hall.md", None, 1),)


def test_wrapped_copy_of_an_unwrapped_paragraph_matches():
    wrapped = textwrap.fill(TEASER.upper().replace(",", ""), 60)
    text = f"{TEASER}\n\n{BODY}\n\n{wrapped}\n"
    found = issues(text)
    assert [(i.line, i.end_line) for i in found] == [(5, 7)]


def test_whitespace_case_punctuation_and_hyphenation_are_folded():
    copy = ("the regional orchestra will play its last   concert in the old hall on sat-\n"
            "urday — before the building closes for a two-year renovation its director said")
    text = f"{TEASER}\n\n{copy}\n"
    assert [(i.line, i.end_line) for i in issues(text)] == [(3, 4)]


def test_every_repeat_points_at_the_first_occurrence():
    text = f"{BODY}\n\n{TEASER}\n\n{BODY}\n\n{TAIL}\n\n{BODY}\n"
    found = issues(text)
    assert [(i.line, i.related[0].line) for i in found] == [(5, 1), (9, 1)]


def test_short_paragraphs_are_not_duplicates():
    chant = "Save our hall! Save our hall!"
    text = f"Photo: Lena Berg\n\n{TEASER}\n\n{chant}\n\n{BODY}\n\n{chant}\n\nPhoto: Lena Berg\n"
    assert issues(text) == []


def test_minimum_length_options():
    chant = "Save our hall, save our music, save our town, save it now!"
    text = f"{chant}\n\n{BODY}\n\n{chant}\n"
    assert issues(text) == []
    assert [i.line for i in issues(text, **{"min-words": 3, "min-chars": 10})] == [5]
    assert [i.line for i in issues(text, **{"min-chars": 10})] == [5]
    assert issues(f"{TEASER}\n\n{TEASER}\n", **{"min-words": 40}) == []


def test_similar_but_different_paragraphs_are_fine():
    other = TEASER.replace("Saturday", "Sunday")
    assert issues(f"{TEASER}\n\n{other}\n") == []


def test_one_paragraph_per_line_text_is_compared_line_by_line():
    text = f"{TEASER}\n{BODY}\n{TAIL}\n{TEASER}\n"
    found = issues(text, fmt="jsonl")
    assert [(i.line, i.end_line, i.related[0].line) for i in found] == [(4, 4, 1)]


def test_code_blocks_and_headings_are_not_compared():
    code = "```\nfor seat in hall.seats: seat.reserve(for_member=True, notify=True, reason='farewell')\n```\n"
    text = f"## {TEASER}\n\n{code}\n{BODY}\n\n{code}\n{TEASER}\n"
    assert issues(text) == []


def test_related_line_is_a_file_line_when_text_starts_after_front_matter():
    found = issues(f"{TEASER}\n\n{BODY}\n\n{TEASER}\n", first_line=5)
    assert found[0].message.startswith("paragraph repeats the one on line 5 ")
    assert found[0].related == (Related("hall.md", None, 5),)


def test_helpers_unwrap_and_normalize():
    assert unwrap(["The inter-", "national jury met in Basel-", "Stadt on Monday."]) == \
        "The international jury met in Basel-Stadt on Monday."
    assert normalize("Café\u2014\u201cOpen\u201d  Mon–Fri!") == "café open mon fri"
    assert normalize("e-mail") == normalize(unwrap(["e-", "mail"])) == "email"
    assert [(p.first, p.last) for p in split_paragraphs(["a", "b", "", "", "c", "   ", "d"])] == [(1, 2), (5, 5), (7, 7)]


def test_cli_reports_repeats_in_files_and_records(tmp_path, capsys, report_validator):
    (tmp_path / "hall.md").write_text(f"---\ntitle: Farewell\n---\n{TEASER}\n\n{BODY}\n\n{TEASER}\n",
                                      encoding="utf-8")
    records = [{"id": "r1", "text": f"{BODY}\n\n{TAIL}"},
               {"id": "r2", "text": f"{BODY}\n\n{TEASER}\n\n{BODY}"}]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    code = main(["check", ".", "--format", "json", "--select", "duplicate-paragraph"])

    report = report_validator(json.loads(capsys.readouterr().out))
    assert code == 1
    assert [(f["path"], f["record"], f["line"], f["end_line"], f["code"], f["related"]) for f in report["findings"]] == [
        ("feed.jsonl", "r2", 5, 5, "QC105", [{"path": "feed.jsonl", "record": "r2", "line": 1}]),
        ("hall.md", None, 8, 8, "QC105", [{"path": "hall.md", "record": None, "line": 4}]),
    ]


def test_a_typed_double_hyphen_folds_like_an_em_dash():
    original = ("Waiting times at the county's two clinics rose again in May\u2014the sixth rise in a row\u2014"
                "according to figures the health office released on Friday.")
    copy = original.replace("\u2014", "--")
    assert normalize(copy) == normalize(original)
    assert [(i.line, i.end_line) for i in issues(f"{original}\n\n{BODY}\n\n{copy}\n")] == [(5, 5)]


def test_a_chorus_sung_twice_is_verse_not_a_duplicate():
    chorus = "And the mill wheel turns all night, my dear,\nthe mill wheel turns all night."
    verse = "We carried flour down the lane,\nwe carried it through snow,"
    text = f"{TEASER}\n\n{verse}\n\n{chorus}\n\n{BODY}\n\n{chorus}\n"
    assert issues(text) == []


def test_line_breaks_and_non_ascii_text_are_compared_alike():
    text = f"{TEASER}\n\n{BODY}\n\n{textwrap.fill(TEASER, 60)}\n"  # the copy is lines 5-7
    dashed = textwrap.fill(TEASER.replace(", its", " \u2014 its"), 60)
    for variant in (text.replace("\n", "\r\n"), text.replace("\n", "\r"),
                    f"{TEASER}\n\n{BODY} Caf\u00e9.\n\n{dashed}\n"):
        assert [(i.line, i.end_line, i.related[0].line) for i in issues(variant)] == [(5, 7, 1)]


def test_a_wrapped_block_repeated_as_another_wrapped_block_is_found():
    first, second = textwrap.fill(TEASER, 50), textwrap.fill(TEASER, 70)
    text = f"{first}\n\n{BODY}\n\n{second}\n"
    lines = first.count("\n") + 1
    assert [(i.line, i.related[0].line) for i in issues(text)] == [(lines + 4, 1)]


def test_lines_without_letters_and_different_paragraphs_are_not_repeats():
    text = f"* * *\n\n{TEASER}\n\n* * *\n\n{BODY}\n\n{TAIL}\n\n--\n.\n\n{TAIL}.\n"
    assert [(i.line, i.related[0].line) for i in issues(text, **{"min-chars": 1, "min-words": 1})] == [(14, 9)]
    assert issues(f"{TEASER}\n\n{BODY}\n\n{TAIL}\n") == []
