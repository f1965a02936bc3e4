"""A corpus rule: two different articles that claim the same canonical URL."""

from urllib.parse import urlsplit, urlunsplit

from qualitycheck import Issue, Related, Rule, Severity

DOCS = """\
## What it does
Compares the `url` metadata of every article in the corpus and flags each
article whose URL (ignoring case of the host, a trailing slash, the query and
the fragment) was already claimed by another article. The finding points at
the `url:` line and names the first article as related.

## Why is this bad?
Two files for one URL are usually the same story scraped twice, or a
copy-and-paste slip in the front matter; either way one of them is wrong.

## Example
`sport/derby.md` and `archive/derby-copy.md` both say
`url: https://news.example/sport/derby-ends-level/`; the second is flagged.

## Options
None.
"""


def normalize_url(url):
    """The form URLs are compared in: lower-case scheme and host, no query, fragment or trailing slash."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def collect_url(document, context):
    """Runs once per article (maybe in a worker process): keep only the URL and the line it is on."""
    url = document.metadata.get("url")
    if not isinstance(url, str) or not url.strip():
        return None
    line = 1
    for offset, text in enumerate((document.front_matter or "").splitlines()):
        if text.startswith("url:"):
            line = document.text_line(offset + 2)  # front matter starts on file line 2
    return normalize_url(url), line


def check_shared_urls(entries, context):
    """Runs once over the corpus: every article after the first with a URL is flagged."""
    first_by_url = {}
    for entry in sorted(entries, key=lambda e: (e.ref.path, e.ref.record or "")):
        if entry.data is None:
            continue
        url, line = entry.data
        first = first_by_url.setdefault(url, (entry, line))
        if first[0] is entry:
            continue
        yield Issue(message=f"URL {url} is also the URL of {first[0].ref}", line=line, column=1,
                    document=entry.ref, related=(Related(first[0].ref.path, first[0].ref.record, None),))


SHARED_URL = Rule(
    name="shared-url",
    code="NR101",
    summary="Two articles with the same canonical URL",
    check=check_shared_urls,
    collect=collect_url,
    scope="corpus",
    default_severity=Severity.WARNING,
    options_schema={"type": "object", "additionalProperties": False, "properties": {}},
    docs=DOCS,
)
