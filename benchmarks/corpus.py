"""A deterministic, seeded corpus of synthetic news articles with planted debris at known rates.

    python benchmarks/corpus.py FOLDER [--articles 2000] [--seed 2024]

Used by the benchmarks (speed.py, duplicates) and importable:
`write_corpus(folder, count, seed)` writes the files and returns a
`Manifest` (files, bytes, and what was planted where). The same count and
seed give byte-identical files on every machine and Python version (only
`random.Random` with a fixed seed and integer arithmetic decide the text).

Articles are about 5 KB, like the 2,000-article / 10.5 MB corpus of the
peers' figures. They are 60% Markdown with YAML front matter (title, date,
url), 30% plain text, 10% records in JSONL files of 50 records each. Story
text is built from a word list, so no two paragraphs repeat by chance.
Debris is planted at the rates in `RATES`, each kind independently:

- `ad-text`: a donation, paywall, newsletter, cookie or share block at the
  top, in the middle or at the bottom;
- `broken-wrap`: the whole body hard-wrapped at 68-92 columns (PDF text);
- `related-article`: a "Related article: <title>" / "READ MORE:" promo line;
- `url-dump`: a line of two or three bare URLs;
- `future-url`: a promo URL whose path date is after the publication date;
- `duplicate-paragraph`: one paragraph pasted a second time;
- `duplicate-article`: a copy of an earlier article, re-wrapped and with
  other boilerplate (the pair is recorded in `Manifest.duplicate_pairs`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

RATES = {
    "ad-text": 0.20,
    "broken-wrap": 0.10,
    "related-article": 0.15,
    "url-dump": 0.05,
    "future-url": 0.05,
    "duplicate-paragraph": 0.05,
    "duplicate-article": 0.02,
}
FORMAT_SHARES = (("md", 0.6), ("txt", 0.3), ("jsonl", 0.1))
RECORDS_PER_JSONL = 50

_WORDS = (
    "council budget river harbour school library bridge festival museum vote mayor residents officials company "
    "market storm season team coach players gallery farmers prices workers union hospital nurses patients police "
    "court judge witness ferry tram depot station valley orchard harvest vineyard bakery factory warehouse port "
    "airport runway tunnel railway district province village county parish island coast reservoir dam canal "
    "pipeline turbine grid tariff levy subsidy contract tender audit report inquiry hearing ruling appeal verdict "
    "election ballot turnout candidate campaign coalition minister ministry agency regulator inspector engineer "
    "architect surveyor contractor builder planner committee board chair director manager spokesperson analyst "
    "economist scientist researcher teacher student pupil parent volunteer charity clinic ward ambulance patrol "
    "flood drought frost heatwave wildfire landslide earthquake repairs closure opening extension renovation "
    "timetable schedule delay deadline estimate forecast shortfall surplus deficit revenue spending savings "
    "loan grant bond shares dividend profit loss quarter decade century morning evening weekend spring summer "
    "autumn winter monday tuesday wednesday thursday friday saturday sunday north south east west central old "
    "new large small public private local regional national rural urban coastal northern southern eastern western "
    "approved rejected delayed extended reopened closed reviewed proposed announced confirmed expected planned "
    "built repaired funded inspected measured recorded reported described warned noted agreed disputed "
    "the a of and to in on with for at by from after before during under over between about near against"
).split()
_NAMES = ("Ilse Moravec", "Tomasz Lind", "Amara Okafor", "Keiko Hartmann", "Rafael Duarte", "Signe Aalto",
          "Yusuf Demir", "Lena Kowalczyk", "Oren Sato", "Priya Venkat", "Mateo Ferrer", "Hanne Brask")
_VERBS = ("said", "told reporters", "said in a statement", "wrote in a letter to members", "added")
_SITES = ("news.example.com", "dailyledger.example.org", "harbourtimes.example.net")

_AD_BLOCKS = (
    "Enjoying our reporting?\nWe rely on readers like you. Support our journalism with $5 a month.\nMaybe later",
    "You have 2 free articles left this month.\nSubscribe now for unlimited access.\nAlready a subscriber? Log in",
    "Sign up for our morning newsletter\nGet the day's top stories in your inbox.\nSubscribe",
    "We use cookies to improve your experience on our site.\nAccept all\nManage settings",
    "Share this article\nFacebook\nTwitter\nEmail",
    "Independent journalism needs you. Make a donation today and keep our reporting free for everyone.",
)
_PROMO_LABELS = ("Related article:", "READ MORE:", "Read also:", "See also:")


@dataclass
class Manifest:
    """What `write_corpus` wrote: counts, and the debris planted in each article (by its report name)."""

    articles: int = 0
    files: int = 0
    bytes: int = 0
    planted: dict[str, list[str]] = field(default_factory=lambda: {kind: [] for kind in RATES})
    duplicate_pairs: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"articles": self.articles, "files": self.files, "bytes": self.bytes,
                "planted": {kind: len(names) for kind, names in self.planted.items()}}


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choices(_WORDS, k=rng.randint(9, 19))
        text = " ".join(words)
        if rng.random() < 0.3:
            return f"{text[0].upper()}{text[1:]}, {rng.choice(_NAMES)} {rng.choice(_VERBS)}."
        return f"{text[0].upper()}{text[1:]}."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))

    def title(self) -> str:
        words = self.rng.choices(_WORDS[:200], k=self.rng.randint(5, 9))
        return " ".join(w.capitalize() for w in words)


def _slug(title: str) -> str:
    return "-".join(title.lower().split())


def _url(rng: random.Random, day: dt.date, title: str) -> str:
    return f"https://{rng.choice(_SITES)}/{day:%Y/%m/%d}/{_slug(title)}"


def _wrap(paragraphs: list[str], width: int) -> list[str]:
    return [textwrap.fill(p, width=width, break_long_words=False, break_on_hyphens=False) for p in paragraphs]


def _article(writer: _Writer, number: int, planted: set[str], original: dict | None) -> dict:
    """One article as {title, date, url, body}; `original` is the article this one copies."""
    rng = writer.rng
    if original is not None:
        paragraphs = list(original["paragraphs"])
        title, date = writer.title(), original["date"]  # syndicated under another headline
    else:
        paragraphs = [writer.paragraph() for _ in range(rng.randint(9, 13))]
        title = writer.title()
        date = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000))
    story = list(paragraphs)
    if "duplicate-paragraph" in planted:
        source = rng.randrange(len(paragraphs))
        paragraphs.insert(rng.randint(source + 1, len(paragraphs)), paragraphs[source])
    if "broken-wrap" in planted or original is not None:
        paragraphs = _wrap(paragraphs, rng.randint(68, 92))
    if "related-article" in planted:
        other = writer.title()
        paragraphs.insert(rng.randint(1, len(paragraphs) - 1), f"{rng.choice(_PROMO_LABELS)} {other}")
    if "url-dump" in planted:
        urls = [_url(rng, date - dt.timedelta(days=rng.randint(1, 900)), writer.title())
                for _ in range(rng.randint(2, 3))]
        paragraphs.insert(rng.randint(1, len(paragraphs) - 1), "\n".join(urls))
    if "future-url" in planted:
        later = date + dt.timedelta(days=rng.randint(30, 900))
        other = writer.title()
        paragraphs.insert(rng.randint(1, len(paragraphs) - 1), f"READ MORE: {other}\n{_url(rng, later, other)}")
    if "ad-text" in planted:
        block = rng.choice(_AD_BLOCKS)
        where = rng.choice((0, len(paragraphs), rng.randint(1, len(paragraphs) - 1)))
        paragraphs.insert(where, block)
    return {"number": number, "title": title, "date": date, "url": _url(rng, date, title),
            "body": "\n\n".join(paragraphs) + "\n", "paragraphs": story}


def _format_of(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in FORMAT_SHARES:
        if roll < share:
            return name
        roll -= share
    return FORMAT_SHARES[-1][0]


def generate(count: int, seed: int = 2024):
    """Yield (format, article, planted kinds) for `count` articles, deterministically."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    originals: list[dict] = []
    for number in range(count):
        planted = {kind for kind, rate in RATES.items() if rng.random() < rate}
        original = None
        if "duplicate-article" in planted:
            if originals:
                original = rng.choice(originals)
            else:
                planted.discard("duplicate-article")
        article = _article(writer, number, planted, original)
        article["copy_of"] = original["number"] if original else None
        if original is None and len(originals) < 2000:
            originals.append(article)
        yield _format_of(rng), article, planted


def _front_matter(article: dict) -> str:
    return (f"---\ntitle: {json.dumps(article['title'])}\ndate: {article['date'].isoformat()}\n"
            f"url: {article['url']}\n---\n")


def write_corpus(folder: Path, count: int, seed: int = 2024) -> Manifest:
    """Write `count` articles under `folder` (in subfolders of 500 files) and return what was planted."""
    folder = Path(folder)
    manifest = Manifest(articles=count)
    names: dict[int, str] = {}
    pending_records: list[str] = []
    jsonl_files = 0

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        manifest.files += 1
        manifest.bytes += len(data)

    def flush_records() -> None:
        nonlocal jsonl_files
        if pending_records:
            write(folder / "records" / f"batch-{jsonl_files:05d}.jsonl", "".join(pending_records))
            jsonl_files += 1
            pending_records.clear()

    for fmt, article, planted in generate(count, seed):
        number = article["number"]
        shard = folder / f"part-{number // 500:03d}"
        if fmt == "jsonl":
            record = {"id": f"a{number:06d}", "title": article["title"], "date": article["date"].isoformat(),
                      "url": article["url"], "text": article["body"]}
            pending_records.append(json.dumps(record, ensure_ascii=False) + "\n")
            name = f"records/batch-{jsonl_files:05d}.jsonl#a{number:06d}"
            if len(pending_records) == RECORDS_PER_JSONL:
                flush_records()
        elif fmt == "md":
            name = f"{shard.name}/article-{number:06d}.md"
            write(folder / name, _front_matter(article) + "\n" + article["body"])
        else:
            name = f"{shard.name}/article-{number:06d}.txt"
            write(folder / name, f"{article['title']}\n\n{article['body']}")
        names[number] = name
        for kind in planted:
            manifest.planted[kind].append(name)
        if article["copy_of"] is not None:
            manifest.duplicate_pairs.append((names[article["copy_of"]], name))
    flush_records()
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    manifest = write_corpus(args.folder, args.articles, args.seed)
    print(json.dumps(manifest.to_dict(), indent=2))


if __name__ == "__main__":
    main()
