"""Each input format becomes documents; findings point at the lines an editor shows."""

from __future__ import annotations

import json

from support import CORE_RULES, places, project, write


def test_plain_text_without_front_matter(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "notes.txt", "The ferry left at dawn.\nTwo XXX crates stayed on the quay.\n")

    code, report, _ = check_json(*CORE_RULES, "notes.txt")

    assert code == 1
    assert places(report, "rule", "path", "record", "line", "column", "end_line", "end_column", "excerpt") == [
        ("marker", "notes.txt", None, 2, 5, 2, 8, "XXX")
    ]
    assert report["summary"]["documents"] == 1


def test_plain_text_front_matter_is_metadata_and_lines_stay_file_lines(tmp_path, check_json):
    project(tmp_path, """\
        rules:
          metadata:
            options:
              schema: {required: [title], properties: {title: {const: "Tide tables"}}}
    """)
    write(tmp_path, "tides.txt", "---\ntitle: Tide tables\n---\nLow water at XXX.\n")

    code, report, _ = check_json(*CORE_RULES, "tides.txt")

    assert places(report) == [("marker", "tides.txt", None, 4, 14)]
    assert code == 1


def test_plain_text_starting_with_a_rule_line_is_all_body(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "rule.txt", "---\nno closing fence, XXX\n")

    _, report, _ = check_json(*CORE_RULES, "rule.txt")

    assert places(report) == [("marker", "rule.txt", None, 2, 19)]


MARKDOWN_SCHEMA_CONFIG = """\
    rules:
      metadata:
        options:
          schema:
            required: [title, date, url, author]
            properties:
              title: {const: "Orchard frost"}
              date: {type: string, format: date}
              url: {type: string, format: uri}
              author: {const: "R. Okafor"}
              tags: {const: [farming, weather]}
"""


def test_markdown_front_matter_keys_reach_the_metadata_rule(tmp_path, check_json):
    project(tmp_path, MARKDOWN_SCHEMA_CONFIG)
    write(tmp_path, "frost.md", """\
        ---
        title: Orchard frost
        date: 2022-04-11
        url: https://news.example/2022/04/11/orchard-frost
        author: R. Okafor
        tags: [farming, weather]
        ---
        Growers lit XXX braziers between the rows.

        By morning the blossom had survived.
        """)

    code, report, _ = check_json(*CORE_RULES, "frost.md")

    # No metadata finding: every key was read, and the date stayed the text that was written.
    assert places(report, "rule", "line", "column", "end_column") == [("marker", 8, 13, 16)]
    assert code == 1


def test_markdown_metadata_findings_point_at_the_key(tmp_path, check_json):
    project(tmp_path, MARKDOWN_SCHEMA_CONFIG)
    write(tmp_path, "frost.markdown", """\
        ---
        title: Orchard frost
        date: 2022-02-30
        url: not a link
        tags: [farming, weather]
        ---
        Growers lit braziers.
        """)

    code, report, _ = check_json(*CORE_RULES, "frost.markdown")

    assert places(report, "rule", "path", "line", "message") == [
        ("metadata", "frost.markdown", 1, "metadata 'author' is a required property"),
        ("metadata", "frost.markdown", 3, "metadata date: '2022-02-30' is not a 'date'"),
        ("metadata", "frost.markdown", 4, "metadata url: 'not a link' is not a 'uri'"),
    ]
    assert code == 1


def test_markdown_with_crlf_line_breaks_counts_lines_like_an_editor(tmp_path, check_json):
    project(tmp_path)
    (tmp_path / "dos.md").write_bytes(b"---\r\ntitle: Ferries\r\n---\r\nFirst.\r\nThen XXX.\r\n")

    _, report, _ = check_json(*CORE_RULES, "dos.md")

    assert places(report) == [("marker", "dos.md", None, 5, 6)]


def _jsonl(*records) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def test_jsonl_records_are_documents_named_by_id_with_positions_in_their_text(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "feed.jsonl", _jsonl(
        {"id": "a-1", "title": "Bridge", "text": "The bridge reopened.\nTolls are XXX now."},
        {"id": "a-2", "title": "Market", "text": "XXX stalls moved indoors."},
        {"id": "a-3", "title": "Clean", "text": "Nothing to see."},
    ))

    code, report, _ = check_json(*CORE_RULES, "feed.jsonl")

    assert places(report, "rule", "path", "record", "line", "column", "end_column") == [
        ("marker", "feed.jsonl", "a-1", 2, 11, 14),
        ("marker", "feed.jsonl", "a-2", 1, 1, 4),
    ]
    assert report["summary"]["documents"] == 3
    assert report["summary"]["files"] == 1
    assert code == 1


def test_jsonl_text_and_id_fields_are_configurable(tmp_path, check_json):
    project(tmp_path, """\
        inputs:
          jsonl: {text-field: body, id-field: slug}
    """)
    write(tmp_path, "feed.jsonl", _jsonl(
        {"slug": "rail-strike", "text": "ignored XXX", "body": "Trains stop XXX today."},
    ))

    _, report, _ = check_json(*CORE_RULES, "feed.jsonl")

    assert places(report) == [("marker", "feed.jsonl", "rail-strike", 1, 13)]


def test_jsonl_record_without_id_is_named_by_its_line(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "feed.jsonl", _jsonl({"id": "first", "text": "fine"}, {"text": "one XXX"}))

    _, report, _ = check_json(*CORE_RULES, "feed.jsonl")

    assert places(report) == [("marker", "feed.jsonl", "line 2", 1, 5)]


def test_jsonl_record_fields_other_than_text_are_metadata(tmp_path, check_json):
    project(tmp_path, """\
        rules:
          metadata:
            options:
              schema: {required: [title]}
    """)
    write(tmp_path, "feed.jsonl", _jsonl({"id": "k", "title": "Kiln", "text": "ok"}, {"id": "m", "text": "ok"}))

    _, report, _ = check_json(*CORE_RULES, "feed.jsonl")

    assert places(report, "rule", "record", "message") == [
        ("metadata", "m", "metadata 'title' is a required property")
    ]


def test_a_folder_is_checked_recursively_in_path_order(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "b/second.md", "XXX\n")
    write(tmp_path, "a/deeper/first.txt", "XXX\n")
    write(tmp_path, "a/notes.rst", "XXX\n")  # no loader for .rst: not picked up when walking a folder

    _, report, _ = check_json(*CORE_RULES, ".")

    assert places(report, "path") == [("a/deeper/first.txt",), ("b/second.md",)]
    assert report["summary"]["files"] == 2


def test_jsonl_ids_that_are_not_strings_are_named_as_json_writes_them(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "feed.jsonl", _jsonl({"id": 12, "text": "XXX"}, {"id": True, "text": "XXX"},
                                         {"id": 2.5, "text": "XXX"}, {"id": "", "text": "XXX"}))

    _, report, _ = check_json(*CORE_RULES, "feed.jsonl")

    assert places(report, "record") == [("12",), ("true",), ("2.5",), ("line 4",)]  # in file order

