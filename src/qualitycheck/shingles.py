"""An article's text as a set of word shingles and a MinHash signature, robust to scraping noise.

`fingerprint(text)` is what duplicate-article keeps of each document:

1. Normalize: fold compatibility characters (PDF ligatures) and case; join
   words hyphenated across a line break; drop lines that are only a URL or a
   "Related article: ..." style promo, and URLs inside lines. Punctuation,
   quote styles (curly or straight), line breaks and blank lines vanish when
   the text is cut into words, so hard wrapping does not matter.
2. Shingle: every run of `size` consecutive words.
3. Hash each shingle to 64 bits (rensa's stable FxHash of the shingle text),
   keep the sorted, de-duplicated low 32 bits as the exact set for confirming
   candidates (a chance collision between two 32-bit values changes a
   containment by less than 0.1% on article-sized sets), and compute the
   128-value MinHash signature with rensa's R-MinHash.
4. Cut the signature into `BANDS` bands of `ROWS` values and hash each band
   to a 63-bit key: two documents sharing any band key are LSH candidates.

All per-word work happens in C (regex, `str.join` through `map`, rensa); the
Python-level work per document is a handful of calls.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from typing import NamedTuple, Sequence

NUM_PERM = 128
BANDS = 42
ROWS = 3
SEED = 1_2021_12_02
MASK63 = (1 << 63) - 1
_LOW32 = 0xFFFFFFFF
SETTINGS_VERSION = 1  # bump when normalization or hashing changes: stored fingerprints become stale

_HYPHEN_BREAK = re.compile(r"-[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[a-z])")
_PROMO_OR_URL_LINE = re.compile(
    r"^[ \t]*(?:"
    r"(?:<?(?:https?://|www\.)\S+>?[ \t]*)+"  # nothing but URLs
    r"|(?:related|read (?:more|also|next)|see also|more on this|recommended|further reading)"
    r"(?: articles?| stories| story| posts?| coverage| reading)?[ \t]*[:|>»-].*"  # promo lines
    r")$",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_BAND_MULTIPLIERS = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)


class Fingerprint(NamedTuple):
    """What duplicate-article keeps of one document (small, picklable, stable across processes)."""

    words: int  # words after normalizing
    shingles: bytes  # sorted distinct 32-bit shingle hashes, array('I') bytes
    bands: tuple[int, ...]  # BANDS band keys (63-bit), empty when the text is too short


def normalize_words(text: str) -> list[str]:
    """The words of `text` with scraping noise removed (see the module docstring)."""
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _HYPHEN_BREAK.sub("", text)
    text = _PROMO_OR_URL_LINE.sub("", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    return _WORD.findall(text.replace("-", "").replace("\u00ad", "").casefold())


def shingle_texts(words: Sequence[str], size: int) -> list[str]:
    """Every run of `size` consecutive words, joined with spaces."""
    if len(words) < size:
        return [" ".join(words)] if words else []
    return list(map(" ".join, zip(*(words[i:] for i in range(size)))))


def fingerprint(text: str, size: int = 5) -> Fingerprint:
    """Normalize, shingle and sketch `text`."""
    from rensa import RMinHash  # compiled, ~2 ms to import; only runs that compare articles need it

    words = normalize_words(text)
    shingles = shingle_texts(words, size)
    if not shingles:
        return Fingerprint(len(words), b"", ())
    hashes = RMinHash.hash_token_sets([shingles])[0]
    exact = array("I", sorted(set(map(_LOW32.__and__, hashes)))).tobytes()
    minhash = RMinHash(NUM_PERM, SEED)
    minhash.update(shingles)
    return Fingerprint(len(words), exact, band_keys(minhash.digest()))


def band_keys(signature: Sequence[int]) -> tuple[int, ...]:
    """One 63-bit key per band of `ROWS` signature values (the band number is mixed in)."""
    m0, m1, m2, m3 = _BAND_MULTIPLIERS
    keys = []
    for band in range(BANDS):
        start = band * ROWS
        values = signature[start:start + ROWS]
        key = band * m3
        for value, multiplier in zip(values, (m0, m1, m2)):
            key = ((key ^ value) * multiplier) & 0xFFFFFFFFFFFFFFFF
        keys.append((key ^ (key >> 29)) & MASK63)
    return tuple(keys)


def shingle_set(fingerprint: Fingerprint) -> frozenset[int]:
    """The exact shingle hashes of a fingerprint, as a set for intersections."""
    return frozenset(array("I", fingerprint.shingles))


def settings() -> dict[str, object]:
    """Everything that decides a fingerprint besides the text: stored with an index to detect staleness."""
    from importlib.metadata import version

    return {"version": SETTINGS_VERSION, "num_perm": NUM_PERM, "bands": BANDS, "rows": ROWS, "seed": SEED,
            "rensa": version("rensa")}
