"""Recognize the lines a related-articles widget leaves in a body.

Two kinds of line: a promo line ("Related article: <title>", "READ MORE:
<title>", "→ See also <title>", a label alone followed by a list of links)
and a bare-URL line (nothing on the line but a URL, maybe behind a bullet).
The related-article rule reports them; the ad-text rule leaves them to it.

A promo needs its label at the start of the line and then a separator
(":", "|", a dash) or a title that starts with a capital, a quote or a link.
"Read more about the plan in our explainer." is prose: after the label
comes a lower-case word.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Optional

from qualitycheck.lazyre import lazy_compile
from qualitycheck.urls import find_links


def has_url(text: str, lowered: Optional[str] = None) -> bool:
    """Whether `text` holds the start of a URL ("://", or "www." in any case); `lowered` is `text.lower()`
    when the caller has it."""
    return "://" in text or "www." in (text.lower() if lowered is None else lowered)


# A section or desk of the site, after "More from", "Also from", "Elsewhere on": "the district desk", "our site".
_DESK = r"(?:the\s+|our\s+|this\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3}"
# Bullets, arrows and emphasis that may stand before a label.
_MARKERS = r"(?:[-*+•·▪▫◦‣⁃►▶▸▹➤➔➜➝➞→⇒»›>=~]+|\d{1,2}[.)])?"
_LABELS = (
    r"related(?:\s+(?:articles?|stor(?:y|ies)|coverage|content|reading|news|posts?|links?|topics?|video))?"
    r"|read\s+(?:also|more|next|this|too)|(?:keep|continue)\s+reading"
    r"|also\s+read|also\s+see|also\s+from\s+" + _DESK + r"|see\s+also|see\s+more"
    r"|more(?:\s+(?:on\s+(?:this|that)(?:\s+(?:story|topic|subject))?|on\s+the\s+topic|from\s+(?:us|our\s+site"
    r"|" + _DESK + r")|to\s+read|stories|news|coverage))?|explore\s+more|elsewhere\s+(?:on|in|at|from)\s+" + _DESK
    + r"|(?:what\s+)?(?:other\s+)?(?:readers|people|others)\s+(?:are\s+)?(?:also\s+)?"
    r"(?:reading|viewing|watching|opening|read|viewed|liked)(?:\s+(?:right\s+)?now)?"
    r"|recommended(?:\s+(?:reading|stories|for\s+you|articles?))?"
    r"|(?:you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in))"
    r"|further\s+reading|don['’]?t\s+miss|must\s+read|what\s+to\s+read\s+next|editor['’]?s\s+picks?"
    r"|top\s+stories|latest(?:\s+news)?|trending(?:\s+now)?|popular(?:\s+now)?|most\s+read|watch|listen"
)
_PROMO = lazy_compile(
    rf"^\s*{_MARKERS}\s*(?:\*\*|__|\*|_)?\s*(?P<label>{_LABELS})\s*(?:\*\*|__|\*|_)?\s*"
    r"(?P<sep>[:|\-–—>»›→⇒➔➜➤►▶▸]+\s*(?:\*\*|__|\*|_)?)?\s*(?P<title>.*?)\s*$",
    re.IGNORECASE,
)
# Labels that read as prose when no separator follows ("Watch the video", "Latest figures show ...").
_NEEDS_SEPARATOR = lazy_compile(r"^(?:watch|listen|latest|trending|popular|top|more|read\s+(?:this|too)|see\s+more)",
                              re.IGNORECASE)
# What `_PROMO` allows before the label: whitespace, bullets and arrows, list numbers, emphasis.
_PROMO_LEAD = (" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
               "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" "-*+•·▪▫◦‣⁃►▶▸▹➤➔➜➝➞→⇒»›>=~" "0123456789.)_")
_PROMO_LEAD_SET = frozenset(_PROMO_LEAD)
# The first three letters of every label in `_LABELS`, in every case. After what may stand before a
# label (`_PROMO_LEAD`), a line that `_PROMO` matches goes on with one of them, or with a non-ASCII
# letter that the regex takes for one case-insensitively (such as "ſ" for "s"). Most lines of prose
# start otherwise ("The", "A ", "In") and are told without the regex.
_LABEL_STARTS = ("rel", "rea", "als", "see", "mor", "exp", "rec", "you", "fur", "don", "mus", "wha", "edi", "top",
                 "lat", "tre", "pop", "mos", "wat", "lis", "kee", "con", "els", "oth", "peo")
_LABEL_HEADS = frozenset(a + b + c for start in _LABEL_STARTS for a in (start[0], start[0].upper())
                         for b in (start[1], start[1].upper()) for c in (start[2], start[2].upper()))


_BULLET = lazy_compile(r"^\s*(?:[-*+•·▪◦‣⁃►▶▸➤→⇒»›]+|\d{1,3}[.)])?\s*")


class Promo(NamedTuple):
    """A promo line: its label as written, the promoted title (may be empty) and a URL on the line, if any."""

    label: str
    title: str
    url: Optional[str]


def match_promo(line: str) -> Optional[Promo]:
    """The promo on `line`, or None when the line is not a promo (prose, a heading, anything else)."""
    stripped = line.strip()
    if not stripped or len(stripped) > 300:
        return None
    m = _PROMO.match(stripped)
    if m is None:
        return None
    label = " ".join(m.group("label").split())
    title = m.group("title").strip().strip("*_").strip()
    separator = m.group("sep")
    if not title:
        return None  # a label alone: a button ("Read more") or the header of a list (see `label_only`)
    url = None
    if not separator:
        head = title[:1]
        if not (head.isupper() or head.isdigit() or head in "\"'“‘«[<" or title.lower().startswith(("http", "www."))):
            return None  # "Read more about the plan in [our report](...)." is a sentence
    links = list(find_links(title))
    if links:
        first = links[0]
        url = first.url
        if first.kind == "markdown" and first.label:
            title = first.label.strip()
        else:
            title = (title[: first.link_start] + title[first.link_end:]).strip(" -–—|:")
    if not separator:
        if _NEEDS_SEPARATOR.match(label):
            return None
    elif title and not url and title[-1:] == "." and len(title.split()) > 16:
        return None  # a long sentence after a colon is prose ("More on this: the council said ...")
    return Promo(label, title.strip(" \"'“”‘’«»"), url)


def label_only(line: str, separator: bool = True) -> bool:
    """True for a promo label and nothing after it ("Related articles:"), the header of a list.

    With `separator` the label must end in one (":", "|", an arrow); without, a bare label ("Most read")
    counts too, which the caller accepts only above a list of several entries.
    """
    m = _PROMO.match(line.strip())
    return bool(m and (m.group("sep") or not separator) and not m.group("title").strip().strip("*_").strip())


def bare_url(line: str) -> Optional[str]:
    """The URL when a line holds nothing but one URL (behind a bullet, in <angle> brackets or a bare link)."""
    stripped = line.strip()
    if not stripped or not has_url(stripped):
        return None
    links = list(find_links(stripped))
    if len(links) != 1:
        return None
    link = links[0]
    if stripped[link.link_start:link.link_start + 1] == "!":
        return None  # a Markdown image
    if link.kind == "markdown" and link.label and len(link.label.split()) <= 2 and not has_url(link.label):
        return None  # a button ("[Donate](...)"), not a link to an article
    rest = (stripped[: link.link_start] + stripped[link.link_end:])
    rest = _BULLET.sub("", rest).strip(" \t.,;:")
    if rest:
        return None
    return link.url


class Entry(NamedTuple):
    """One promoted article or URL inside a widget: its line (1-based), title and URL (either may be empty)."""

    line: int
    title: str
    url: Optional[str]


class Widget(NamedTuple):
    """Lines a related-articles widget left: a promo line, a block of bare URLs, or a label with its list."""

    kind: str  # "promo", "urls" or "list"
    first: int  # 1-based lines of Document.text, inclusive
    last: int
    label: str
    entries: tuple[Entry, ...]


_LIST_ENTRY_WORDS = 16
_CODE_FENCE = ("```", "~~~")


def _list_entry(line: str, number: int) -> Optional[Entry]:
    stripped = line.strip()
    links = list(find_links(stripped))
    url = links[0].url if links else None
    title = stripped
    if links:
        link = links[0]
        title = link.label if link.kind == "markdown" and link.label else stripped[: link.link_start] + stripped[link.link_end:]
    title = _BULLET.sub("", title).strip(" \t-–—|:\"'“”")
    bulleted = _BULLET.match(stripped).end() > 0
    if not url and not bulleted:
        return None
    if len(title.split()) > _LIST_ENTRY_WORDS or (not url and title.endswith(".")):
        return None
    return Entry(number, title, url)


def _inside_sentence(lines: list[str], index: int, widgets: list[Widget]) -> bool:
    """True when the URL line at `index` is part of a wrapped sentence (text runs into it or on from it)."""
    if index > 0:
        above = lines[index - 1].strip()
        claimed = bool(widgets) and widgets[-1].last == index  # the line above is a promo
        if above and not claimed and not above.endswith(_SENTENCE_END) and bare_url(above) is None:
            return True
    if index + 1 < len(lines):
        below = lines[index + 1].strip()
        if below[:1].islower() and bare_url(below) is None:
            return True
    return False


_SENTENCE_END = tuple('.!?:"”’)')


_last_found: tuple[Optional[list[str]], list[Widget]] = (None, [])


def find_widgets(lines: list[str], lowered_text: Optional[str] = None) -> list[Widget]:
    """Every promo line, labelled list and block of bare URLs in `lines`, in order.

    Bare URLs introduced by a line ending in a colon ("Sources:") are a
    citation list, not debris; code blocks are skipped. ad-text and
    related-article both ask for the same document's lines (`Document.lines`,
    never modified) one after the other, so the last answer is kept for the
    very same list object. `lowered_text` is the text of `lines` lower-cased, if the
    caller has it: it tells a text without any URL (most) without joining the lines.
    """
    global _last_found
    if _last_found[0] is lines:
        return list(_last_found[1])
    widgets = _find_widgets(lines, lowered_text)
    _last_found = (lines, widgets)
    return list(widgets)


def _find_widgets(lines: list[str], lowered_text: Optional[str] = None) -> list[Widget]:
    """`find_widgets` without the cache. Most lines are prose: neither a label at their start nor a URL."""
    widgets: list[Widget] = []
    total = len(lines)
    # a bare URL needs a URL ("://" or "www."): in most texts no line has one
    urls = has_url(lowered_text, lowered_text) if lowered_text is not None else has_url("\n".join(lines))
    in_code = False
    previous = ""  # the last non-blank line before the current one
    i = 0
    while i < total:
        stripped = lines[i].strip()
        if not stripped:
            i += 1
            continue
        fence = stripped[:3] in _CODE_FENCE
        if fence or in_code:
            if fence:
                in_code = not in_code
            previous = stripped
            i += 1
            continue
        # the label's first letters, after what may stand before it (see `_LABEL_HEADS`)
        head = stripped.lstrip(_PROMO_LEAD)[:3] if stripped[0] in _PROMO_LEAD_SET else stripped[:3]
        if head in _LABEL_HEADS or not head.isascii():
            widget = _promo_widget(lines, i, stripped)
            if widget is not None:
                widgets.append(widget)
                previous = lines[widget.last - 1].strip()
                i = widget.last
                continue
        entries = _url_block(lines, i, widgets) if urls else None
        if entries is not None:
            if not previous.endswith(":"):
                widgets.append(Widget("urls", i + 1, entries[-1].line, "", tuple(entries)))
            previous = lines[entries[-1].line - 1].strip()
            i = entries[-1].line
            continue
        previous = stripped
        i += 1
    return widgets


def _promo_widget(lines: list[str], i: int, stripped: str) -> Optional[Widget]:
    """The promo line at index `i`, or the labelled list that starts there, or None."""
    # match_promo and label_only both start with this match: most lines fail it, and then both
    header = _PROMO.match(stripped)
    if header is None:
        return None
    line = lines[i]
    promo = match_promo(line)
    if promo is not None:
        return Widget("promo", i + 1, i + 1, promo.label, (Entry(i + 1, promo.title, promo.url),))
    if not label_only(line, separator=False):
        return None
    entries = []
    total = len(lines)
    j = i + 1
    while j < total and lines[j].strip():
        entry = _list_entry(lines[j], j + 1)
        if entry is None:
            break
        entries.append(entry)
        j += 1
    if header.group("sep"):
        enough = bool(entries)
    else:  # a bare header: several entries, and links under one that also reads as prose ("Watch")
        enough = len(entries) >= 2 and (" " in header.group("label").strip()
                                        or not _NEEDS_SEPARATOR.match(header.group("label"))
                                        or all(e.url for e in entries))
    if not enough:
        return None
    return Widget("list", i + 1, j, " ".join(header.group("label").split()), tuple(entries))


def _url_block(lines: list[str], i: int, widgets: list[Widget]) -> Optional[list[Entry]]:
    """The bare URLs of the block that starts at index `i` (one blank line may part them), or None."""
    url = bare_url(lines[i])
    if url is None or _inside_sentence(lines, i, widgets):
        return None
    total = len(lines)
    entries = [Entry(i + 1, "", url)]
    j = i + 1
    while j < total:
        if not lines[j].strip():
            if j + 1 < total and lines[j + 1].strip() and bare_url(lines[j + 1]) is not None:
                j += 1  # one blank line between URLs keeps the block together
                continue
            break
        next_url = bare_url(lines[j])
        if next_url is None:
            break
        entries.append(Entry(j + 1, "", next_url))
        j += 1
    return entries


def widget_lines(lines: list[str], lowered_text: Optional[str] = None) -> set[int]:
    """1-based numbers of the lines that belong to widgets (for rules that leave them to related-article)."""
    claimed: set[int] = set()
    for widget in find_widgets(lines, lowered_text):
        claimed.update(range(widget.first, widget.last + 1))
    return claimed
