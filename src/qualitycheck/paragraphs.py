"""Paragraphs of an article: finding them, joining hard-wrapped lines, normalizing them for comparison.

Shared by the rules that compare or reflow paragraphs (broken-wrap,
duplicate-paragraph, duplicate-article). Everything here is a pure function
of the text and runs in time linear in its length.

- `split_paragraphs(lines)`: blank-line separated blocks with their line span,
  code blocks left out.
- `code_mask(lines, markdown)`: which lines are code (fenced anywhere,
  indented in Markdown), so prose checks can skip them.
- `unwrap(lines)`: the lines of a hard-wrapped paragraph joined into one, with
  "inter-\\nnational" dehyphenated only when the next line starts lower-case.
- `normalize(text)`: case, punctuation and whitespace folded away, so a wrapped
  copy and an unwrapped copy of one paragraph compare equal.
"""

from __future__ import annotations

import string
import unicodedata
from typing import Any, Optional, Sequence

from qualitycheck.lazyre import lazy_compile
from qualitycheck.records import record

_FENCE = lazy_compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENTED = lazy_compile(r"^(?: {4}|\t)")
_DASHES = lazy_compile(r"[\u2012-\u2015\u2212]|-{2,}")  # figure, en and em dashes, minus, "--": word separators
_NOT_WORD = lazy_compile(r"[^\w\s]|_")
_ASCII_PUNCTUATION = string.punctuation.encode("ascii")


def _ascii_lower_table() -> bytes:
    """Bytes translation: A-Z to lower case, and the separators str.split() knows beyond bytes.split() to space."""
    table = bytearray(range(256))
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    for code in (0x1C, 0x1D, 0x1E, 0x1F):
        table[code] = 32
    return bytes(table)


_ASCII_LOWER = _ascii_lower_table()
_SOFT_HYPHEN = "\u00ad"


@record
class Paragraph:
    """A block of non-blank lines: `first`..`last` are 1-based text lines, inclusive."""

    first: int
    last: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The paragraph as one line (see `unwrap`)."""
        return unwrap(self.lines)


_last_mask: tuple[Any, bool, Any, list[bool]] = (None, False, None, [])


def code_mask(lines: Sequence[str], markdown: bool = True, text: Optional[str] = None) -> list[bool]:
    """For each line, whether it belongs to a code block (a new list; see `_code_mask`).

    broken-wrap and duplicate-paragraph ask for the same document's lines one
    after the other, so the last answer is kept for the very same objects.
    """
    global _last_mask
    last_lines, last_markdown, last_text, mask = _last_mask
    if last_lines is lines and last_text is text and last_markdown == markdown:
        return list(mask)
    mask = _code_mask(lines, markdown, text)
    _last_mask = (lines, markdown, text, mask)
    return list(mask)


def _code_mask(lines: Sequence[str], markdown: bool = True, text: Optional[str] = None) -> list[bool]:
    """For each line, whether it belongs to a code block.

    Fenced blocks (``` or ~~~, fence lines included) count in every format;
    an unclosed fence runs to the end, as Markdown renders it. Indented
    blocks (4 spaces or a tab after a blank line) count only in Markdown,
    where that indentation means code; in plain text it is often just layout.
    Pass the joined `text` too when you have it: it lets the common case (no
    fence, no indentation) skip the per-line scan.
    """
    mask = [False] * len(lines)
    if text is not None and not _may_hold_code(text, markdown):
        return mask  # the common case: no fence, no indented line
    fence = ""
    in_indented = False
    previous_blank = True
    for i, line in enumerate(lines):
        if fence:
            mask[i] = True
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = ""
            previous_blank = False
            continue
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            mask[i] = True
            in_indented = False
            previous_blank = False
            continue
        blank = not line.strip()
        if markdown:
            if blank:
                pass  # a blank line neither starts nor ends an indented block by itself
            elif _INDENTED.match(line) and (previous_blank or in_indented):
                in_indented = True
                mask[i] = True
            else:
                in_indented = False
        previous_blank = blank
    return mask


def _may_hold_code(text: str, markdown: bool) -> bool:
    """Whether `text` may hold a code block: a fence anywhere, or in Markdown a line indented by 4 spaces or a tab.

    Each longer search runs only after a one-character test (a C memchr) finds
    its first character: most articles have no backtick, tilde or tab.
    """
    if ("`" in text and "```" in text) or ("~" in text and "~~~" in text):
        return True
    if not markdown:
        return False
    if "\t" in text and (text.startswith("\t") or "\n\t" in text or "\r\t" in text):
        return True
    return "    " in text and (text.startswith("    ") or "\n    " in text or "\r    " in text)


def paragraph_spans(lines: Sequence[str], skip: Sequence[bool] = ()) -> list[tuple[int, int]]:
    """(start, end) of each blank-line separated block of `lines`: 0-based, `end` exclusive.

    Lines marked in `skip` (e.g. code) end a block and are left out.
    """
    spans = []
    start = -1
    if not any(skip):
        skip = ()
    for i, line in enumerate(lines):
        if not line or line.isspace() or (skip and skip[i]):
            if start >= 0:
                spans.append((start, i))
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        spans.append((start, len(lines)))
    return spans


def split_paragraphs(lines: Sequence[str], skip: Sequence[bool] = ()) -> list[Paragraph]:
    """Blank-line separated blocks of `lines`; lines marked in `skip` (e.g. code) end a block and are left out."""
    return [Paragraph(start + 1, end, tuple(lines[start:end])) for start, end in paragraph_spans(lines, skip)]


def ends_with_hyphen_break(text: str) -> bool:
    """True for a line ending in a word broken with a hyphen: "inter-" (not "--" or " -")."""
    return len(text) >= 2 and text[-1] == "-" and text[-2].isalpha()


def unwrap(lines: Sequence[str]) -> str:
    """Join hard-wrapped `lines` into one line.

    Lines are stripped and joined with one space. A line that ends in a word
    broken by a hyphen joins the next without a space; the hyphen is dropped
    only when the next line starts lower-case ("inter-" + "national"), and kept
    otherwise ("Belarus-" + "EU"). Soft hyphens at line ends are dropped.
    """
    if len(lines) == 1:
        return lines[0].strip()
    pieces = [line.strip() for line in lines]
    joined = "\n".join(pieces)
    if "-\n" not in joined and _SOFT_HYPHEN + "\n" not in joined:
        return " ".join(filter(None, pieces))  # no piece but the last ends in a hyphen: one space between pieces
    out: list[str] = []
    soft = hyphen = False  # how the previous piece ended
    for raw in lines:
        piece = raw.strip()
        if not piece:
            continue
        if out:
            if soft or (hyphen and piece[0].islower()):
                out[-1] = out[-1][:-1]
            elif not hyphen:
                out.append(" ")
        out.append(piece)
        soft = piece.endswith(_SOFT_HYPHEN)
        hyphen = ends_with_hyphen_break(piece)
    return "".join(out)


_ASCII_NOT_KEPT = _ASCII_PUNCTUATION + b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def squashed(lines: Sequence[str]) -> bytes:
    """`normalize(unwrap(lines))` without its spaces, as UTF-8: equal for any two blocks that normalize equal.

    On ASCII text this is one C-level translation of the raw lines: unwrapping
    only moves whitespace and hyphens, and normalizing drops both. So a
    comparison can normalize only the blocks whose squashed forms collide.
    """
    text = "\n".join(lines)
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_LOWER, _ASCII_NOT_KEPT)
    return normalize(unwrap(lines)).replace(" ", "").encode("utf-8")


_ASCII_NOT_KEPT_BUT_BREAKS = _ASCII_NOT_KEPT.replace(b"\n", b"")


def squashed_lines(text: str) -> Optional[list[bytes]]:
    """`squashed((line,))` of every line of `text` (as `text.split_lines` splits it), in one C-level pass.

    None when `text` is not ASCII or has a carriage return: use `squashed` per
    block then. A block's squashed form is the concatenation of its lines'
    (squashing drops the line breaks), so callers join slices of this list.
    """
    if "\r" in text or not text.isascii():
        return None
    keys = text.encode("ascii").translate(_ASCII_LOWER, _ASCII_NOT_KEPT_BUT_BREAKS).split(b"\n")
    if len(keys) > 1 and text.endswith("\n"):
        keys.pop()  # a trailing break adds no line
    return keys


def normalize(text: str) -> str:
    """`text` folded for comparison: Unicode compatibility forms, case, punctuation, whitespace.

    Dashes other than the ASCII hyphen separate words; the hyphen and all
    other punctuation are dropped, so "e-mail", "e-\\nmail" (unwrapped) and
    "email" agree. Returns words separated by single spaces.
    """
    if text.isascii():
        if "--" in text:  # a typed em dash ("October--the fifth") separates words like "—" does
            text = _DASHES.sub(" ", text)
        # bytes.translate with a deletion set is C-level per byte: about twice str.translate's speed
        return b" ".join(text.encode("ascii").translate(_ASCII_LOWER, _ASCII_PUNCTUATION).split()).decode("ascii")
    text = _DASHES.sub(" ", unicodedata.normalize("NFKC", text))
    return " ".join(_NOT_WORD.sub("", text.casefold()).split())
