"""Time the ad-text and related-article rules per article, and their corpus step, on synthetic articles.

    python benchmarks/debris_rules.py [--articles 2000]

Articles are built from story sentences with, now and then, a donation or
cookie block, share buttons, a promo line or a bare URL, so that every code
path runs. Prints seconds for `collect` over all articles and for `check`
over the corpus, per rule, on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

STORY = ("The council voted on Tuesday to extend the tram line to the harbour, officials said.",
         "Residents who objected said the works would close the market street for a year.",
         '"We have waited a decade for this," said Maria Olsen, who runs a bakery near the depot.',
         "The project will cost 140 million euros, about a fifth more than first planned.",
         "Construction is due to start in the spring and finish before the summer of 2026.")
BLOCKS = ("Enjoying our reporting?\nWe rely on readers like you. Give $5 a month.\nMaybe later",
          "We use cookies to improve your experience.\nAccept all\nManage settings",
          "Share this article\nFacebook\nEmail",
          "READ MORE: Harbour ferry timetable changes in May",
          "https://news.example.com/2021/05/04/harbour-ferry-timetable-changes-in-may")


def build(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    articles = []
    for _ in range(count):
        paragraphs = [" ".join(rng.choice(STORY) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(10, 18))]
        for _ in range(rng.randint(0, 3)):
            paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(BLOCKS))
        articles.append("\n\n".join(paragraphs) + "\n")
    return articles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    from qualitycheck.builtin import ad_text, related_article
    from qualitycheck.model import CorpusEntry, Document, RuleContext
    from qualitycheck.ruleset import with_defaults

    articles = build(args.articles)
    size = sum(len(a) for a in articles) / 1e6
    print(f"{len(articles)} articles, {size:.1f} MB")
    for rule in (ad_text.qualitycheck_register_rules()[0], related_article.qualitycheck_register_rules()[0]):
        context = RuleContext(with_defaults(rule.options_schema, {}), dt.date(2024, 1, 1))
        documents = [Document(path=f"a{i}.txt", text=text) for i, text in enumerate(articles)]
        rule.collect(documents[0], context)  # lazy set-up (YAML lists, automaton) outside the timing
        start = time.perf_counter()
        data = [rule.collect(document, context) for document in documents]
        collected = time.perf_counter() - start
        entries = [CorpusEntry(d.ref, {}, item, True) for d, item in zip(documents, data)]
        start = time.perf_counter()
        findings = len(list(rule.check(entries, context)))
        checked = time.perf_counter() - start
        print(f"{rule.name:<16} collect {collected:6.3f} s ({collected / len(articles) * 1e3:.3f} ms/article)  "
              f"check {checked:6.3f} s  {findings} findings")


if __name__ == "__main__":
    main()
