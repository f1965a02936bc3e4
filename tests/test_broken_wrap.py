"""broken-wrap (QC102): hard-wrapped paragraphs are reported, structure and verse are not."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from qualitycheck.builtin.broken_wrap import check_broken_wrap
from qualitycheck.cli import main
from qualitycheck.model import Document, RuleContext

FERRY = [
    "The harbour authority said on Monday that the new ferry terminal would open in the spring, two years "
    "later than planned, after inspectors found cracks in the concrete of the main pier and ordered the "
    "contractor to replace it.",
    "Passengers who bought season tickets for the old route will be offered refunds or a free month on the "
    "temporary service, which leaves from the fish market at the northern end of the bay.",
    "Local shop owners welcomed the decision but said the delay had already cost them a summer of visitors, "
    "and several asked the council to waive their rents until the terminal opens.",
    "The council meets again on Thursday.",
    "A spokesperson for the contractor declined to say how much the repairs would cost, but engineers "
    "familiar with the project estimated the bill at several million euros, most of it for steel and labour.",
]

OPTIONS = {"formats": {}, "min-width": 40, "max-width": 140}  # the defaults


def wraps(text: str, fmt: str = "txt", **options) -> list[tuple[int, int, str]]:
    document = Document(path=f"article.{fmt}", text=text, format=fmt)
    context = RuleContext({**OPTIONS, **options}, dt.date(2024, 5, 1))
    return [(i.line, i.end_line, i.message) for i in check_broken_wrap(document, context)]


def spans(text: str, fmt: str = "txt") -> list[tuple[int, int]]:
    return [(first, last) for first, last, _ in wraps(text, fmt)]


BEEKEEPERS = """\
Beekeepers in the valley say this year's honey harvest was the smallest in a
decade, after a cold, wet May kept the bees inside during the weeks when the
orchards were in flower and the lime trees had barely begun to bloom.

The cooperative, which sells honey from about forty farms, will raise prices
by a fifth.

Its chair, a former schoolteacher who keeps two hundred hives above the
village, said members would also start selling wax candles and pollen to
make up for the lost income.
"""


def test_each_wrapped_paragraph_is_one_finding_with_its_width():
    assert wraps(BEEKEEPERS) == [
        (1, 3, "paragraph hard-wrapped at about 76 columns (3 lines); join the lines"),
        (5, 6, "paragraph hard-wrapped at about 76 columns (2 lines); join the lines"),
        (8, 10, "paragraph hard-wrapped at about 76 columns (3 lines); join the lines"),
    ]


def test_finding_spans_whole_lines_and_fix_joins_them():
    document = Document(path="a.txt", text=BEEKEEPERS)
    issue = next(iter(check_broken_wrap(document, RuleContext(OPTIONS, dt.date(2024, 5, 1)))))
    assert (issue.line, issue.column, issue.end_line, issue.end_column) == (1, 1, 3, 70)
    assert issue.fix.replacement.startswith("Beekeepers in the valley say this year's honey harvest was the smallest in a "
                                            "decade, after a cold, wet May")
    assert "\n" not in issue.fix.replacement


@pytest.mark.parametrize("width", [60, 66, 72, 80, 88, 95, 105, 110])
def test_widths_from_60_to_110_are_found(width):
    text = "\n\n".join(textwrap.fill(p, width) for p in FERRY) + "\n"
    expected = []
    line = 1
    for paragraph in FERRY:
        count = len(textwrap.wrap(paragraph, width))
        if count > 1:
            expected.append((line, line + count - 1))
        line += count + 1
    found = wraps(text)
    assert [(first, last) for first, last, _ in found] == expected
    reported = {int(message.split("about ")[1].split(" ")[0]) for _, _, message in found}
    assert len(reported) == 1 and width - 3 <= reported.pop() <= width


def test_unwrapped_paragraphs_are_fine():
    assert spans("\n\n".join(FERRY) + "\n") == []
    assert spans("\n".join(FERRY) + "\n") == []


def test_hyphenated_break_is_part_of_the_wrap_and_dehyphenated_in_the_fix():
    text = ("Scientists from the polar institute spent six weeks measuring the glacier's\n"
            "thickness with ground radar and found that the ice had lost almost a tenth\n"
            "of its volume since the last survey, a pace the team called unprece-\n"
            "dented for a glacier this far north, and worse than the models predicted.\n"
            "\n"
            "The results will be presented at a conference in Reykjavik next month, where\n"
            "researchers from eleven countries plan to compare their data with the Arctic\n"
            "monitoring network and agree on a shared method for the next field season.\n")
    document = Document(path="a.txt", text=text)
    issues = list(check_broken_wrap(document, RuleContext(OPTIONS, dt.date(2024, 5, 1))))
    assert [(i.line, i.end_line) for i in issues] == [(1, 4), (6, 8)]
    assert "unprecedented for a glacier" in issues[0].fix.replacement


def test_compound_hyphen_before_capital_is_kept_in_the_fix():
    text = ("The trade delegation from the chamber of commerce travelled on to the Franco-\n"
            "German border crossing, where customs officers had been on strike since the\n"
            "weekend and lorries queued for more than twenty kilometres along the motorway.\n"
            "\n"
            "Drivers said they had been told to expect delays until at least Wednesday, when\n"
            "union leaders and the ministry are due to meet for a second round of talks on\n"
            "overtime pay and the staffing of the night shifts at the smaller checkpoints.\n")
    document = Document(path="a.txt", text=text)
    issues = list(check_broken_wrap(document, RuleContext(OPTIONS, dt.date(2024, 5, 1))))
    assert [(i.line, i.end_line) for i in issues] == [(1, 3), (5, 7)]
    assert "Franco-German border" in issues[0].fix.replacement


VERSE = """\
The river keeps the names of those who crossed it in the dark,
And every stone along the bank remembers where they slept;
We sang of bread and salt and rain beneath the broken arc
Of bridges that the winter took, and promises we kept.

Come home, come home, the swallows call across the empty square
Where lanterns swing above the stalls and children chase the light
Come home before the frost arrives and finds the table bare
Come home, the road is long tonight
"""


def test_verse_is_not_a_wrap():
    assert spans(VERSE) == []


def test_verse_quoted_in_an_unwrapped_article_is_not_a_wrap():
    text = FERRY[0] + "\n\nAt the opening, a local poet read:\n\n" + VERSE + "\n" + FERRY[1] + "\n"
    assert spans(text) == []


def test_verse_inside_a_wrapped_article_is_left_alone():
    text = (textwrap.fill(FERRY[0], 90) + "\n\n" + VERSE + "\n" + textwrap.fill(FERRY[4], 90) + "\n\n"
            + textwrap.fill(FERRY[1], 90) + "\n")
    assert spans(text) == [(1, 3), (15, 17), (19, 21)]


def test_lowercase_lyrics_are_not_a_wrap():
    lyrics = ("i walked along the harbour wall and watched the boats come in\n"
              "the gulls were crying overhead the way they always did\n"
              "i thought about the letters that i never sent to you\n"
              "and how the tide keeps coming back whatever we may do\n")
    assert spans(FERRY[0] + "\n\n" + lyrics + "\n" + FERRY[2] + "\n") == []


MARKDOWN_STRUCTURE = """\
## Schedule changes for the spring season on the northern and the coastal lines

- The northern line will run every twelve minutes on weekdays, with extra
  trains in the morning peak between seven and nine o'clock for commuters.
- Weekend services will stop at midnight instead of one in the morning, the
  operator said, because of engineering work on the viaduct near the park.

1. Buy a ticket at the machine or through the app before boarding the train
2. Validate the ticket on the platform, otherwise inspectors can fine you

| Station        | Weekday interval | Weekend interval | Notes                     |
|----------------|------------------|------------------|---------------------------|
| Harbour Street | 12 minutes       | 20 minutes       | step-free access from May |

```python
def interval(weekday: bool, peak: bool, minutes_between_trains: int = 12) -> int:
    return minutes_between_trains if weekday and not peak else minutes_between_trains // 2
```

    indented code block that goes on for a while and does not end with a full stop
    second line of the indented code block that is also fairly long, on purpose

Photo: A commuter waits on the platform of the Harbour Street station during the
Councillor Ana Ruiz speaks to reporters outside the transport office / City Press
"""


def test_lists_tables_code_headings_and_captions_are_not_wraps():
    assert spans(MARKDOWN_STRUCTURE, "md") == []


def test_structure_around_wrapped_paragraphs_is_left_out_of_the_spans():
    wrapped = textwrap.fill(FERRY[0], 80)
    text = MARKDOWN_STRUCTURE + "\n" + wrapped + "\n\n" + textwrap.fill(FERRY[2], 80) + "\n"
    assert spans(text, "md") == [(26, 28), (30, 32)]


def test_aligned_columns_are_not_wraps():
    text = ("Results of the regional chess championship after the seventh round of play\n"
            "Player              Club                    Points    Tiebreak\n"
            "Ingrid Solheim      Tromso Chess Society     6.5       31.5\n"
            "Marek Dvorak        Brno Knights             6.0       30.0\n")
    assert spans(text) == []


def test_one_clause_per_line_is_not_a_wrap():
    text = ("The committee met on Tuesday to review the proposal,\n"
            "which would extend the opening hours of the public library,\n"
            "and after a long debate that lasted well into the evening,\n"
            "it voted to postpone the decision until the budget is known.\n"
            "Members said they supported the idea in principle,\n"
            "but wanted more data on staffing costs.\n")
    assert spans(text) == []


def test_single_short_paragraph_and_dateline_are_not_wraps():
    assert spans("Rain is expected on Friday across the whole region, with some\nsnow in the hills.\n") == []
    assert spans("OSLO, March 3, 2020 \u2014\nThe fishing fleet returned to port early as a storm moved in.\n") == []


def test_short_last_line_is_part_of_the_paragraph_and_a_sentence_after_it_is_not():
    text = textwrap.fill(FERRY[4], 72) + "\n\n" + textwrap.fill(FERRY[1], 72) + "\nIt runs hourly.\n"
    assert [len(line) for line in text.splitlines()[4:8]] == [70, 71, 43, 15]
    assert spans(text) == [(1, 3), (5, 7)]


def test_formats_option_turns_markdown_off_but_not_text():
    text = BEEKEEPERS
    assert wraps(text, "md", formats={"md": False}) == []
    assert len(wraps(text, "txt", formats={"md": False})) == 3


def test_markdown_message_says_how_to_turn_it_off():
    message = wraps(BEEKEEPERS, "md")[0][2]
    assert message == ("paragraph hard-wrapped at about 76 columns (3 lines); join the lines (if this repository "
                       "wraps Markdown on purpose, set broken-wrap option formats: {md: false})")


def test_cli_reports_file_lines_after_front_matter_and_jsonl_records(tmp_path, capsys, report_validator):
    (tmp_path / "bees.md").write_text("---\ntitle: Honey harvest\n---\n" + BEEKEEPERS, encoding="utf-8")
    record = {"id": "ferry-1", "text": textwrap.fill(FERRY[0], 70) + "\n\n" + textwrap.fill(FERRY[2], 70)}
    (tmp_path / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("\n\n".join(FERRY) + "\n", encoding="utf-8")

    code = main(["check", ".", "--format", "json", "--select", "broken-wrap"])

    report = report_validator(json.loads(capsys.readouterr().out))
    assert code == 1
    assert [(f["rule"], f["code"], f["severity"], f["path"], f["record"], f["line"], f["end_line"])
            for f in report["findings"]] == [
        ("broken-wrap", "QC102", "warning", "bees.md", None, 4, 6),
        ("broken-wrap", "QC102", "warning", "bees.md", None, 8, 9),
        ("broken-wrap", "QC102", "warning", "bees.md", None, 11, 13),
        ("broken-wrap", "QC102", "warning", "feed.jsonl", "ferry-1", 1, 4),
        ("broken-wrap", "QC102", "warning", "feed.jsonl", "ferry-1", 6, 8),
    ]


def test_rules_yaml_turns_markdown_off(tmp_path, capsys, report_validator):
    (tmp_path / "rules.yaml").write_text("version: 1\nrules:\n  broken-wrap:\n    options:\n      formats: {md: false}\n",
                                         encoding="utf-8")
    (tmp_path / "bees.md").write_text(BEEKEEPERS, encoding="utf-8")
    (tmp_path / "bees.txt").write_text(BEEKEEPERS, encoding="utf-8")

    code = main(["check", ".", "--format", "json", "--select", "broken-wrap"])

    report = report_validator(json.loads(capsys.readouterr().out))
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"bees.txt"}


def test_unknown_option_is_a_config_error(tmp_path, capsys):
    (tmp_path / "rules.yaml").write_text("version: 1\nrules:\n  broken-wrap:\n    options:\n      skip: [md]\n",
                                         encoding="utf-8")
    (tmp_path / "a.txt").write_text("Fine.\n", encoding="utf-8")

    assert main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert "rules.yaml:5:7" in err and "skip" in err


def test_ragged_pdf_lines_are_one_paragraph():
    # proportional fonts: each line holds 80 to 92 characters, breaks after commas included
    text = ("The port authority confirmed on Friday that dredging of the inner channel, delayed\n"
            "twice by storms, would resume next week, and that the two largest berths would\n"
            "reopen to container ships by the middle of the month, in time for the harvest exports.\n"
            "\n"
            "Shipping agents said the closure had cost the port about a fifth of its usual traffic,\n"
            "with several lines diverting vessels to the deeper harbour across the bay instead.\n"
            "\n"
            "A spokesperson for the dock workers' union said its members had been paid throughout,\n"
            "but warned that overtime bans would follow if the night shifts were not restored.\n")
    assert spans(text) == [(1, 3), (5, 6), (8, 9)]


def test_email_headers_and_one_sentence_per_line_footers_are_not_wraps():
    body = "\n\n".join(textwrap.fill(p, 68) for p in FERRY[:3])
    text = ("Subject: Harbour bulletin \u2014 ferry terminal delay, refunds and shop rents\n"
            "From: Harbour Bulletin <bulletin@harbour.example>\n"
            "Date: Mon, 4 Mar 2024 07:00:00 +0000\n\n" + body + "\n\n"
            "You are receiving this bulletin because you registered at harbour.example.\n"
            "Manage your subscription preferences or unsubscribe with one click here.\n"
            "Harbour Bulletin, 3 Quay Street, Port Ellis PE1 4QT\n"
            "Forward this bulletin to a friend\n")
    assert spans(text) == [(5, 8), (10, 12), (14, 16)]


def test_quoted_email_paragraphs_are_wraps_and_the_fix_keeps_one_quote_marker():
    quoted = "\n".join("> " + line for line in textwrap.wrap(FERRY[0], 70))
    text = (textwrap.fill(FERRY[2], 72) + "\n\nOn Monday the authority wrote:\n\n" + quoted + "\n>\n"
            + "\n".join("> " + line for line in textwrap.wrap(FERRY[1], 70)) + "\n")
    document = Document(path="a.txt", text=text)
    issues = list(check_broken_wrap(document, RuleContext(OPTIONS, dt.date(2024, 5, 1))))
    assert [(i.line, i.end_line) for i in issues] == [(1, 3), (7, 10), (12, 14)]
    assert issues[1].fix.replacement == "> " + FERRY[0]


def test_line_breaks_and_tabs_do_not_change_the_findings():
    # \r\n and \r line breaks give the same lines; a tab counts as up to 8 columns, so a line of few characters
    # can still reach the wrap width
    expected = [(1, 3), (5, 6), (8, 10)]
    assert spans(BEEKEEPERS.replace("\n", "\r\n")) == expected
    assert spans(BEEKEEPERS.replace("\n", "\r")) == expected
    tabbed = ("\t\t\tThe parish council voted on Tuesday to sell the\n"
              "old school building to a housing cooperative, which plans to keep the hall\n"
              "for concerts and turn the classrooms into twelve flats for young families.\n")
    assert len(tabbed.splitlines()[0]) < 55 <= len(tabbed.splitlines()[0].expandtabs())
    assert spans(tabbed + "\n" + BEEKEEPERS) == [(1, 3), (5, 7), (9, 10), (12, 14)]


def test_article_without_two_adjacent_lines_has_no_wrap():
    text = "\n\n".join(line for paragraph in BEEKEEPERS.split("\n\n") for line in paragraph.splitlines()) + "\n"
    assert spans(text) == []
    assert spans(BEEKEEPERS.replace("\n", "\n \t\n")) == []  # whitespace-only lines separate too


def test_wrapped_lines_inside_a_code_fence_are_not_wraps():
    fenced = "```text\n" + BEEKEEPERS.split("\n\n")[0] + "\n```\n\n"
    assert spans(fenced + BEEKEEPERS, "md") == [(7, 9), (11, 12), (14, 16)]
    assert spans(fenced.replace("```", "~~~") + BEEKEEPERS, "txt") == [(7, 9), (11, 12), (14, 16)]


COLUMN = """\
LAKEFORD — The volunteer fire brigade in this
village of 900 people has bought its first new
engine in thirty years, after a two-year appeal
that raised most of the money at bake sales.

The old engine will go to a museum in the
county town, where it will be restored.

Chief officer Mira Kovac said the crew would
train on the new engine through the winter.
"""

COUPLETS = """\
The ferry crossed at a quarter to nine,
the gulls came after in a ragged line.

A keeper waved from the northern light,
and the bay went quiet, and the bay went white.

The poem, written by a retired lighthouse keeper, won the county prize on Saturday.
"""


def test_a_narrow_newspaper_column_is_a_wrap_when_a_paragraph_has_three_lines():
    assert wraps(COLUMN) == [(1, 4, "paragraph hard-wrapped at about 47 columns (4 lines); join the lines")]


def test_narrow_two_line_paragraphs_are_not_enough_evidence():
    assert wraps(COUPLETS) == []
    assert wraps(COLUMN, **{"min-width": 55}) == []
