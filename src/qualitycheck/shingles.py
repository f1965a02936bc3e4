"""An article's text as a set of word shingles and a MinHash signature, robust to scraping noise.

`fingerprint(text)` is what duplicate-article keeps of each document:

1. Normalize: join words hyphenated across a line break; drop lines that
   are only URLs or a "Related article: ..." style promo, and URLs inside
   lines; fold compatibility characters (PDF ligatures) and case; turn
   punctuation into spaces and delete hyphens (so "long-running" and
   "long-\nrunning" are one word). Quote styles (curly or straight), line
   breaks and blank lines vanish when the text is cut into words, so hard
   wrapping does not matter.
2. Shingle: every run of `size` consecutive words.
3. Hash each shingle to 64 bits (rensa's stable FxHash of the shingle text),
   keep the low 32 bits as the exact set for confirming candidates (a chance
   collision between two 32-bit values changes a containment by less than
   0.1% on article-sized sets), and compute the 128-value MinHash signature
   with rensa's R-MinHash.
4. Cut the signature into `BANDS` bands of `ROWS` values and hash each band
   to a 63-bit key: two documents sharing any band key are LSH candidates.
   42 x 3 rather than 32 x 4: a pair with Jaccard 0.4 (a copy truncated to
   40%, or one with much boilerplate) becomes a candidate with probability
   0.94 instead of 0.56, and chance candidates are confirmed away.

All per-word work happens in C (regex, `str.join` through `map`, rensa); the
Python-level work per document is a handful of calls.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from typing import NamedTuple, Sequence

from qualitycheck.lazyre import lazy_compile
from qualitycheck.promos import has_url

NUM_PERM = 128
BANDS = 42
ROWS = 3
SEED = 1_2021_12_02
MASK63 = (1 << 63) - 1
_LITTLE_ENDIAN = sys.byteorder == "little"
SETTINGS_VERSION = 3  # bump when normalization or hashing changes: stored fingerprints become stale

_HYPHEN_BREAK = lazy_compile(r"-[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[a-z])")
# Starts with a literal line break so that the regex engine only tries line starts; the text gets a "\n" in front.
_PROMO_OR_URL_LINE = lazy_compile(
    r"\n[ \t]*(?:"
    r"(?:<?(?:https?://|www\.)\S+>?[ \t]*)+"  # nothing but URLs
    r"|(?:related|read (?:more|also|next)|see also|more on this|recommended|further reading)"
    r"(?: articles?| stories| story| posts?| coverage| reading)?[ \t]*[:|>\u00bb-][^\n]*"  # promo lines
    r")(?=\r?\n|\r|$)",
    re.IGNORECASE,
)
_URL = lazy_compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_NON_SPACE_RUN = lazy_compile(r"\S+")
_NON_ASCII_NON_WORD = lazy_compile(r"[^\x00-\x7f\w]+")  # curly quotes, dashes, ellipses... (not letters)
_UNICODE_HYPHENS = str.maketrans({"\u00ad": None, "\u2010": "-", "\u2011": "-"})


def _ascii_table() -> bytes:
    """Bytes translation: ASCII letters to lower case, other ASCII except digits and `_` to space."""
    table = bytearray(range(256))
    for code in range(128):
        char = chr(code)
        if "A" <= char <= "Z":
            table[code] = code + 32
        elif not (char.isalnum() or char == "_"):
            table[code] = 32
    return bytes(table)


_WORD_BYTES = _ascii_table()


class Fingerprint(NamedTuple):
    """What duplicate-article keeps of one document (small, picklable, stable across processes)."""

    words: int  # words after normalizing
    shingles: bytes  # the low 32 bits of each shingle's hash, array('I') bytes (repeats possible)
    bands: bytes  # BANDS band keys (63-bit), array('q') bytes; empty when the text has no shingle


def normalize_words(text: str) -> list[bytes]:
    """The words of `text` (UTF-8 bytes, case-folded) with scraping noise removed (see the module docstring).

    ASCII text takes a fast path of C-level byte operations (translate, split);
    other text is NFKC- and case-folded and its non-ASCII punctuation turned
    into spaces first, so that both paths give the same words for the same text.
    """
    text = _HYPHEN_BREAK.sub("", text)
    text = _PROMO_OR_URL_LINE.sub("\n", "\n" + text)
    if has_url(text):  # "www." in any case, as the URL pattern ignores case
        text = _without_urls(text)
    if text.isascii():
        data = text.encode("ascii")
    else:
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = _NON_ASCII_NON_WORD.sub(" ", text.translate(_UNICODE_HYPHENS).casefold())
        data = text.encode("utf-8")
    return data.translate(_WORD_BYTES, b"-").split()


def _without_urls(text: str) -> str:
    """`_URL.sub(" ", text)`, found with str.find on ASCII text (the regex, with IGNORECASE and no literal
    prefix, tries every position: 0.19 s -> 0.02 s for 1,200 articles)."""
    if not text.isascii():
        return _URL.sub(" ", text)  # IGNORECASE also matches a few non-ASCII letters
    lowered = text.lower()
    starts: list[tuple[int, int]] = []  # (where a URL would start, where its scheme or "www." ends)
    j = lowered.find("://")
    while j != -1:
        if j >= 5 and lowered.startswith("https", j - 5):
            starts.append((j - 5, j + 3))
        elif j >= 4 and lowered.startswith("http", j - 4):
            starts.append((j - 4, j + 3))
        j = lowered.find("://", j + 3)
    j = lowered.find("www.")
    while j != -1:
        starts.append((j, j + 4))
        j = lowered.find("www.", j + 1)
    if not starts:
        return text
    starts.sort()
    pieces: list[str] = []
    last = 0
    for start, prefix_end in starts:
        if start < last:
            continue  # inside the URL just removed
        found = _NON_SPACE_RUN.match(text, prefix_end)
        if found is None:
            continue  # "http://" followed by a space is no URL
        pieces.append(text[last:start])
        pieces.append(" ")
        last = found.end()
    pieces.append(text[last:])
    return "".join(pieces)


def shingle_texts(words: Sequence[bytes], size: int) -> list[bytes]:
    """Every run of `size` consecutive words, joined with spaces."""
    if len(words) < size:
        return [b" ".join(words)] if words else []
    return list(map(b" ".join, zip(*(words[i:] for i in range(size)))))


def fingerprint(text: str, size: int = 5) -> Fingerprint:
    """Normalize, shingle and sketch `text`."""
    from rensa import RMinHash  # compiled, ~2 ms to import; only runs that compare articles need it

    words = normalize_words(text)
    shingles = shingle_texts(words, size)
    if not shingles:
        return Fingerprint(len(words), b"", b"")
    hashes = RMinHash.hash_token_sets([shingles])[0]
    halves = array("I", array("Q", hashes).tobytes())
    exact = halves[0::2] if _LITTLE_ENDIAN else halves[1::2]  # the low 32 bits of each hash, in C
    minhash = RMinHash(NUM_PERM, SEED)
    minhash.update(shingles)
    return Fingerprint(len(words), exact.tobytes(), band_keys(minhash.digest()))


def band_keys(signature: Sequence[int]) -> bytes:
    """One 63-bit key per band of `ROWS` signature values, as array('q') bytes.

    Each band's values (with the band number in front) are hashed in one rensa call; the tokens are
    made by `map` in C (a list comprehension took a quarter more).
    """
    from rensa import RMinHash

    raw = array("I", signature).tobytes()
    bands = list(map(bytes.__add__, _BAND_PREFIXES, map(raw.__getitem__, _BAND_SLICES)))
    return array("q", [key & MASK63 for key in RMinHash.hash_token_sets([bands])[0]]).tobytes()


_BAND_PREFIXES = [b"%d:" % band for band in range(BANDS)]
_BAND_SLICES = [slice(band * 4 * ROWS, (band + 1) * 4 * ROWS) for band in range(BANDS)]  # bytes of its values


def keys_of(bands: bytes) -> array:
    """The band keys stored in `Fingerprint.bands`."""
    return array("q", bands)


def shingle_set(fingerprint: Fingerprint) -> frozenset[int]:
    """The exact shingle hashes of a fingerprint, as a set for intersections."""
    return frozenset(array("I", fingerprint.shingles))


def settings() -> dict[str, object]:
    """Everything that decides a fingerprint besides the text: stored with an index to detect staleness."""
    return {"version": SETTINGS_VERSION, "num_perm": NUM_PERM, "bands": BANDS, "rows": ROWS, "seed": SEED,
            "rensa": _rensa_version()}


def _rensa_version() -> str:
    """rensa's version from the dist-info folder beside it: importing importlib.metadata costs ~25 ms of a
    one-file check against the index; its lookup is the fallback."""
    import os

    import rensa

    folder = os.path.dirname(os.path.dirname(os.path.abspath(rensa.__file__)))
    found = sorted(name for name in os.listdir(folder) if name.startswith("rensa-") and name.endswith(".dist-info"))
    if len(found) == 1:
        return found[0][len("rensa-"):-len(".dist-info")]
    from importlib.metadata import version

    return version("rensa")
