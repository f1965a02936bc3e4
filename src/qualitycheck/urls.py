"""Find URLs in article text and take them apart.

`find_urls(text)` yields `(start, end, url)` for plain URLs
(`https://…`, `www.…`), Markdown links and images (`[title](url)`, the URL
only, relative paths included) and angle-bracket autolinks (`<https://…>`).
`find_links` yields the same with the link's kind and its Markdown label.
Trailing sentence punctuation and unbalanced closing brackets are not part
of a plain URL. Helpers give a URL's slug, the words of a slug or title,
and a normalized form for comparing URLs.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple, Optional

from qualitycheck.lazyre import lazy_compile

_LINKS = lazy_compile(
    r"!?\[(?P<label>[^\]\n]{0,500})\]\(\s*<?(?P<md>[^)\s>]+)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
    r"|<(?P<angle>(?:https?|ftp)://[^>\s]+|www\.[^>\s]+)>"
    r"|(?P<plain>\b(?:https?://|ftp://|www\.)[^\s<>\"'`\[\]]+)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"”’»…*_"


class Link(NamedTuple):
    """A URL in text: `start`..`end` is the URL itself; `kind` is plain, markdown or angle."""

    start: int
    end: int
    url: str
    kind: str
    label: Optional[str] = None
    link_start: int = 0  # the whole construct, e.g. `[label](url)`
    link_end: int = 0


def _trim_plain(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        else:
            break
    return url


def find_links(text: str) -> Iterator[Link]:
    """Every URL in `text`, in order, with what kind of link holds it."""
    for m in _LINKS.finditer(text):
        if m.group("md") is not None:
            yield Link(m.start("md"), m.end("md"), m.group("md"), "markdown", m.group("label"), m.start(), m.end())
        elif m.group("angle") is not None:
            yield Link(m.start("angle"), m.end("angle"), m.group("angle"), "angle", None, m.start(), m.end())
        else:
            url = _trim_plain(m.group("plain"))
            if len(url) <= 4 or url.lower() in ("www.", "http://", "https://"):
                continue
            start = m.start("plain")
            yield Link(start, start + len(url), url, "plain", None, start, start + len(url))


def find_urls(text: str) -> Iterator[tuple[int, int, str]]:
    """`(start, end, url)` for every URL in `text` (plain, Markdown link target, or `<angle>`)."""
    for link in find_links(text):
        yield link.start, link.end, link.url


_SCHEME = lazy_compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WORD = lazy_compile(r"[^\W_]+")
_TRAILING_ID = lazy_compile(r"^(?:[a-z]?\d{3,}|[0-9a-f]{8,}|index|amp)$")
_EXTENSION = lazy_compile(r"\.(?:s?html?|php|aspx?|jsp)$", re.IGNORECASE)


def split_url(url: str) -> tuple[str, str]:
    """(host without `www.`, path without query or fragment), both lower-cased."""
    rest = _SCHEME.sub("", url.strip())
    rest = rest.split("#", 1)[0].split("?", 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host, "/" + path.lower()


def normalize_url(url: str) -> str:
    """A form for comparing URLs: no scheme, no `www.`, no query or fragment, no trailing slash."""
    host, path = split_url(url)
    return host + path.rstrip("/")


def url_slug(url: str) -> str:
    """The last meaningful path segment: `…/2021/12/02/city-opens-new-library.html` -> `city-opens-new-library`."""
    _, path = split_url(url)
    for segment in reversed([s for s in path.split("/") if s]):
        segment = _EXTENSION.sub("", segment)
        if _WORD.search(segment) and not segment.isdigit():
            return segment
    return ""


def words(text: str) -> list[str]:
    """Lower-case words of a title or slug; apostrophes are dropped so `mayor's` equals slug `mayors`."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


def slug_words(url: str) -> list[str]:
    """The words a URL's slug spells, without a trailing numeric or hash id."""
    found = words(url_slug(url).replace("_", "-"))
    while found and _TRAILING_ID.match(found[-1]):
        found.pop()
    return found
