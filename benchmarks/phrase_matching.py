"""Compare ways of finding the ad-text vocabulary (phrases + cue words) in article text.

    python benchmarks/phrase_matching.py [--articles 2000]

Builds synthetic articles (story sentences with a boilerplate line now and
then), then times, on one core, each candidate finding every whole-word
occurrence case-insensitively: one `re` alternation with IGNORECASE, one
alternation over lower-cased text, pyahocorasick through
`qualitycheck.phrases.PhraseMatcher` (what ad-text uses, whitespace
normalization and offset mapping included), and ahocorasick_rs when installed.
"""

from __future__ import annotations

import argparse
import random
import re
import time


def build_articles(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    vocabulary = ("council budget river harbor school library bridge festival museum vote mayor residents "
                  "officials company shares market rain storm season team coach players museum gallery farmers "
                  "prices workers union hospital nurses patients police court judge witness the a of and to in "
                  "on with for said told according added support download cookies share subscribe").split()
    boiler = ["Support our newsroom today.", "Sign up for our newsletter", "Share on Facebook",
              "You have 3 free articles left this month.", "Accept all cookies", "Remind me later"]
    articles = []
    for _ in range(count):
        paragraphs = []
        for _ in range(rng.randint(12, 20)):
            sentence_count = rng.randint(2, 4)
            sentences = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(10, 22))).capitalize() + "."
                         for _ in range(sentence_count)]
            paragraphs.append(" ".join(sentences))
            if rng.random() < 0.1:
                paragraphs.append(rng.choice(boiler))
        articles.append("\n\n".join(paragraphs) + "\n")
    return articles


def vocabulary_entries():
    from qualitycheck.boilerplate import shipped_lists

    data = shipped_lists()
    phrases = [p for entries in data["phrases"].values() for p in entries]
    cues = data["cues"]
    for key in ("second-person", "first-person-plural", "imperative", "reporting", "urgency"):
        phrases += cues[key]
    for strengths in cues["site"].values():
        for words in strengths.values():
            phrases += words
    return sorted(set(p.lower() for p in phrases))


def timed(name: str, func, articles: list[str], size_mb: float) -> None:
    start = time.perf_counter()
    hits = sum(func(text) for text in articles)
    seconds = time.perf_counter() - start
    print(f"{name:<40} {seconds:7.3f} s  {size_mb / seconds:7.1f} MB/s  {hits} hits")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    articles = build_articles(args.articles)
    size_mb = sum(len(a.encode("utf-8")) for a in articles) / 1e6
    phrases = vocabulary_entries()
    print(f"{len(articles)} articles, {size_mb:.1f} MB, {len(phrases)} phrases and cue words")
    alternation = r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b"
    ignorecase = re.compile(alternation, re.IGNORECASE)
    lowered = re.compile(alternation)
    timed("re alternation, IGNORECASE", lambda t: sum(1 for _ in ignorecase.finditer(t)), articles, size_mb)
    timed("re alternation, lower-cased text", lambda t: sum(1 for _ in lowered.finditer(t.lower())), articles,
          size_mb)
    from qualitycheck.phrases import PhraseMatcher

    matcher = PhraseMatcher((p, None) for p in phrases)
    timed("pyahocorasick (PhraseMatcher.find)", lambda t: sum(1 for _ in matcher.find(t)), articles, size_mb)
    try:
        import ahocorasick_rs
    except ImportError:
        return
    rs = ahocorasick_rs.AhoCorasick(phrases, matchkind=ahocorasick_rs.MatchKind.Standard)

    def rs_find(text: str) -> int:
        low = text.lower()
        count = 0
        for _, start, end in rs.find_matches_as_indexes(low, overlapping=True):
            if (start == 0 or not low[start - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
                count += 1
        return count

    timed("ahocorasick_rs (overlapping, lower-cased)", rs_find, articles, size_mb)


if __name__ == "__main__":
    main()
