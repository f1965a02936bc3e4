"""Built-in loaders: plain text, Markdown with front matter, and JSONL records.

Registered through the same `qualitycheck_register_loaders` hook as any
plugin loader. Bad input becomes `LoadProblem`s; nothing raises.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Mapping, Union

from qualitycheck import hookimpl
from qualitycheck.model import Document, LoadProblem, Loader
from qualitycheck.reading import METADATA, UNREADABLE, read_text_file, split_front_matter

JSONL_OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "text-field": {"type": "string", "default": "text", "description": "Field that holds the article text."},
        "id-field": {"type": "string", "default": "id",
                     "description": "Field that identifies a record; records without it are named 'line N'."},
    },
}


def load_front_matter_file(path: Path, display_path: str, options: Mapping[str, Any], fmt: str) -> Iterator[
        Union[Document, LoadProblem]]:
    """One document per file; a YAML front matter block at the top becomes its metadata."""
    text = read_text_file(path)
    if isinstance(text, LoadProblem):
        yield text
        return
    front = split_front_matter(text)
    if front.problem:
        yield front.problem
    yield Document(path=display_path, text=front.body, metadata=front.metadata, format=fmt,
                   first_line=front.body_first_line, front_matter=front.raw)


def load_text(path: Path, display_path: str, options: Mapping[str, Any]) -> Iterator[Union[Document, LoadProblem]]:
    """A plain-text article (front matter optional)."""
    return load_front_matter_file(path, display_path, options, "txt")


def load_markdown(path: Path, display_path: str, options: Mapping[str, Any]) -> Iterator[
        Union[Document, LoadProblem]]:
    """A Markdown article with optional YAML front matter."""
    return load_front_matter_file(path, display_path, options, "md")


def load_jsonl(path: Path, display_path: str, options: Mapping[str, Any]) -> Iterator[Union[Document, LoadProblem]]:
    """One document per JSON object line; the other fields become metadata."""
    text = read_text_file(path)
    if isinstance(text, LoadProblem):
        yield text
        return
    text_field = options.get("text-field", "text")
    id_field = options.get("id-field", "id")
    seen_ids: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fallback = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadProblem(UNREADABLE, f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})",
                              line=1, column=exc.colno, record=fallback, record_line=number)
            continue
        if not isinstance(record, dict):
            yield LoadProblem(UNREADABLE, f"line {number} is a JSON {type(record).__name__}, not an object",
                              record=fallback, record_line=number)
            continue
        record_id = record.get(id_field)
        if record_id is None or record_id == "":
            record_name = fallback
        else:  # a number or true stays as JSON wrote it (7, true), not as Python prints it (True)
            record_name = record_id if isinstance(record_id, str) else json.dumps(record_id, ensure_ascii=False)
        if record_name in seen_ids:
            yield LoadProblem(METADATA, f"record id {record_name!r} on line {number} is already used on line "
                                        f"{seen_ids[record_name]}; ids must be unique", record=f"{record_name} (line {number})",
                              record_line=number)
            record_name = f"{record_name} (line {number})"
        else:
            seen_ids[record_name] = number
        body = record.get(text_field)
        if not isinstance(body, str):
            what = "has no" if body is None else f"has a non-text ({type(body).__name__})"
            yield LoadProblem(METADATA, f"record {what} {text_field!r} field; set inputs.jsonl.text-field in "
                                        f"rules.yaml if the text is in another field", record=record_name,
                              record_line=number)
            continue
        metadata = {key: value for key, value in record.items() if key != text_field}
        yield Document(path=display_path, text=body, metadata=metadata, record=record_name, format="jsonl",
                       record_line=number)


@hookimpl
def qualitycheck_register_loaders():
    return [
        Loader(name="txt", extensions=(".txt",), load=load_text, summary="Plain text, optional YAML front matter"),
        Loader(name="md", extensions=(".md", ".markdown"), load=load_markdown,
               summary="Markdown with YAML front matter"),
        Loader(name="jsonl", extensions=(".jsonl",), load=load_jsonl, summary="One JSON article per line",
               options_schema=JSONL_OPTIONS_SCHEMA),
    ]
