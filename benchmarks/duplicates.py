"""Benchmark duplicate-article and the archive index on generated corpora (not a timed test).

    python benchmarks/duplicates.py [--sizes 1000,10000,100000] [--seed 2024] [--work /tmp/qc-duplicates]

For each size it writes a corpus with `benchmarks/corpus.py` (articles in Markdown, text and JSONL,
with debris of every kind, and 2% syndicated copies: re-wrapped, re-headlined, other boilerplate),
then plants more cases of its own under `extras/`:

- 1% truncated copies (the first 45-70% of an article's paragraphs, a new headline, a stub line);
- 0.5% exact copies of an article's text as JSONL records;
- 0.5% hard negatives sharing one wire paragraph with an archive article, and 0.5% sharing one
  quoted sentence (new articles otherwise; they must not be reported).

It runs `qualitycheck check . --select duplicate-article --no-cache --no-index` in a subprocess and
prints wall time, time per article, peak memory (largest process) and recall/precision of the
planted pairs (copies of one article are all pairs of each other). For the largest size it then
builds the index and checks one new article against it: wall time of the whole command, and the
time of the index lookup itself. Corpora are kept under --work and reused on the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (benchmarks/corpus.py, the shared generator)

EXTRA_RATES = {"truncated": 0.01, "record-copy": 0.005, "wire-negative": 0.005, "quote-negative": 0.005}


def _body_paragraphs(path: Path) -> list[str]:
    """The article paragraphs of a generated .md/.txt file (front matter and headline dropped)."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    blocks = [b for b in text.split("\n\n") if b.strip()]
    return blocks[1:] if path.suffix == ".txt" else blocks


def plant_extras(folder: Path, manifest: "corpus.Manifest", seed: int) -> dict:
    """Write extras/ and return the truth: positive pairs, negative pairs, planted counts."""
    rng = random.Random(seed * 7 + 1)
    bases = sorted(path.relative_to(folder).as_posix() for path in folder.glob("part-*/*") if path.is_file())
    fresh = (article["paragraphs"] for _, article, _ in corpus.generate(10 ** 7, seed + 1)
             if article["copy_of"] is None)  # the generator's own copies would be true duplicates
    positives = [list(pair) for pair in manifest.duplicate_pairs]
    negatives = []
    records = []
    counts = {kind: 0 for kind in EXTRA_RATES}
    extras = folder / "extras"
    extras.mkdir(parents=True, exist_ok=True)
    for kind, rate in EXTRA_RATES.items():
        for number in range(int(manifest.articles * rate)):
            base = rng.choice(bases)
            paragraphs = _body_paragraphs(folder / base)
            if kind == "truncated":
                keep = max(3, int(len(paragraphs) * rng.uniform(0.45, 0.7)))
                name = f"extras/truncated-{number:05d}.md"
                text = (f"---\ntitle: Teaser {number}\ndate: 2030-01-01\n---\nA Shorter Headline For Story {number}\n\n"
                        + "\n\n".join(paragraphs[:keep]) + "\n\nContinue reading on the full page.\n")
                (folder / name).write_text(text, encoding="utf-8")
                positives.append([base, name])
            elif kind == "record-copy":
                record_id = f"copy-{number:05d}"
                records.append(json.dumps({"id": record_id, "text": "\n\n".join(paragraphs)}) + "\n")
                positives.append([base, f"extras/copies.jsonl#{record_id}"])
            else:
                story = list(next(fresh))
                shared = rng.choice(paragraphs).replace("\n", " ")
                if kind == "quote-negative":
                    sentence = shared.split(". ")[0].rstrip(".")
                    shared = f'"{sentence}," the spokesperson said on the phone.'
                story.insert(rng.randint(1, len(story) - 1), shared)
                name = f"extras/{kind}-{number:05d}.txt"
                (folder / name).write_text(f"Another Story Number {number}\n\n" + "\n\n".join(story) + "\n",
                                           encoding="utf-8")
                negatives.append([base, name])
            counts[kind] += 1
    (folder / "extras" / "copies.jsonl").write_text("".join(records), encoding="utf-8")
    return {"articles": manifest.articles + sum(counts.values()), "positives": positives, "negatives": negatives,
            "planted": counts, "bytes": manifest.bytes}


def _all_names(manifest: "corpus.Manifest") -> set[str]:
    names = set()
    for kind_names in manifest.planted.values():
        names.update(kind_names)
    for pair in manifest.duplicate_pairs:
        names.update(pair)
    return names


def make_corpus(work: Path, size: int, seed: int) -> tuple[Path, dict]:
    folder = work / f"corpus-{size}-{seed}"
    truth_file = work / f"truth-{size}-{seed}.json"
    if truth_file.is_file() and folder.is_dir():
        return folder, json.loads(truth_file.read_text())
    started = time.perf_counter()
    manifest = corpus.write_corpus(folder, size, seed)
    if len(_all_names(manifest)) < 50:
        raise SystemExit("corpus too small to pick articles from")
    truth = plant_extras(folder, manifest, seed)
    truth_file.write_text(json.dumps(truth))
    print(f"  generated {truth['articles']:,} articles ({manifest.bytes / 1e6:.0f} MB) in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return folder, truth


# Subprocesses run with compiled bytecode, as an installed package does (like benchmarks/speed.py).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_measured(command: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run a command; (wall seconds, peak RSS in MB of it or its largest worker, result)."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True, env=ENV)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    return wall, usage.ru_maxrss / 1024, result


def _name(path: str, record) -> str:
    return path if record is None else f"{path}#{record}"


def score(report: dict, truth: dict) -> tuple[float, float, int, int]:
    """(recall, precision, hard negatives reported, pairs reported)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in truth["positives"]:
        parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for name in list(parent):
        groups.setdefault(find(name), []).append(name)
    expected = {frozenset((a, b)) for members in groups.values() for i, a in enumerate(members)
                for b in members[i + 1:]}
    found = {frozenset((_name(f["path"], f["record"]), _name(r["path"], r["record"])))
             for f in report["findings"] for r in f["related"]}
    negatives = {frozenset(pair) for pair in truth["negatives"]}
    hit = len(expected & found)
    recall = hit / len(expected) if expected else 1.0
    precision = hit / len(found) if found else 1.0
    return recall, precision, len(found & negatives), len(found)


QC = [sys.executable, "-m", "qualitycheck"]


def full_run(folder: Path, truth: dict) -> dict:
    import shutil

    for leftover in ("incoming", ".qualitycheck"):  # from an earlier run's one-article check
        shutil.rmtree(folder / leftover, ignore_errors=True)
    report_file = folder.parent / f"{folder.name}-report.json"
    wall, peak, result = run_measured(QC + ["check", ".", "--select", "duplicate-article", "--no-cache", "--no-index",
                                            "--no-progress", "--format", "json", "--output", str(report_file),
                                            "--exit-zero"], folder)
    if result.returncode != 0:
        raise SystemExit(f"check failed ({result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(report_file.read_text())
    recall, precision, negatives, pairs = score(report, truth)
    return {"articles": truth["articles"], "mb": truth["bytes"] / 1e6, "wall": wall, "peak": peak,
            "recall": recall, "precision": precision, "negatives": negatives, "pairs": pairs}


def one_article_check(folder: Path, truth: dict) -> dict:
    """Build the index, then check one new article (a truncated copy of an archive article) against it."""
    wall_build, peak_build, result = run_measured(QC + ["index", "build"], folder)
    if result.returncode != 0:
        raise SystemExit(f"index build failed: {result.stderr[-2000:]}")
    size = os.path.getsize(folder / ".qualitycheck" / "index.sqlite") / 1e6
    base = truth["positives"][0][0]
    paragraphs = _body_paragraphs(folder / base.split("#")[0])
    incoming = folder / "incoming"
    incoming.mkdir(exist_ok=True)
    (incoming / "new-article.md").write_text("---\ntitle: New\ndate: 2031-01-01\n---\n"
                                             + "\n\n".join(paragraphs[: max(3, len(paragraphs) // 2)]) + "\n",
                                             encoding="utf-8")
    walls = []
    run_measured(QC + ["check", "incoming/new-article.md", "--no-cache", "--no-progress"], folder)  # bytecode
    for _ in range(3):
        wall, _, result = run_measured(QC + ["check", "incoming/new-article.md", "--select", "duplicate-article",
                                             "--no-cache", "--no-progress", "--format", "json"], folder)
        walls.append(wall)
    report = json.loads(result.stdout)
    twins = [r["path"] for f in report["findings"] for r in f["related"]]
    lookup = subprocess.run([sys.executable, "-c", LOOKUP], cwd=folder, capture_output=True, text=True, check=True)
    return {"build": wall_build, "build_peak": peak_build, "index_mb": size, "check": min(walls),
            "found": base.split("#")[0] in twins, "lookup": json.loads(lookup.stdout)}


LOOKUP = """
import datetime as dt, json, time
from pathlib import Path
from qualitycheck.config import load_config
from qualitycheck.index import open_view
from qualitycheck.plugins import load_registry
from qualitycheck.ruleset import build_ruleset
from qualitycheck.runner import check_file, make_plan

config = load_config(None)
registry = load_registry(config)
plan = make_plan(config, registry, build_ruleset(config, registry, ["duplicate-article"]), dt.date.today())
t0 = time.perf_counter()
view = open_view(config, plan)
t1 = time.perf_counter()
target = check_file(plan, Path("incoming/new-article.md"), "incoming/new-article.md", True)
t2 = time.perf_counter()
context = view.context(target.collected, ["incoming/new-article.md"])
t3 = time.perf_counter()
print(json.dumps({"open": t1 - t0, "collect": t2 - t1, "query": t3 - t2,
                  "stale": len(context.stale), "candidates": len(context.documents)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--work", type=Path, default=Path("/tmp/qc-duplicates"))
    parser.add_argument("--index-only", action="store_true",
                        help="only the index build and the one-article check on the largest size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    args.work.mkdir(parents=True, exist_ok=True)
    ENV["PYTHONPYCACHEPREFIX"] = str(args.work / "pycache")
    rows = []
    for size in [] if args.index_only else sizes:
        print(f"corpus of {size:,} generated articles", flush=True)
        folder, truth = make_corpus(args.work, size, args.seed)
        row = full_run(folder, truth)
        rows.append(row)
        print(f"  check: {row['wall']:.1f} s, {row['wall'] / row['articles'] * 1e3:.2f} ms/article, "
              f"peak {row['peak']:.0f} MB, recall {row['recall']:.3f}, precision {row['precision']:.3f}", flush=True)
    print()
    print("| articles | MB | wall | per article | peak memory | recall | precision | hard negatives reported |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['articles']:,} | {row['mb']:.0f} | {row['wall']:.1f} s | {row['wall'] / row['articles'] * 1e3:.2f} ms "
              f"| {row['peak']:.0f} MB | {row['recall']:.3f} | {row['precision']:.3f} | {row['negatives']} |")
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        ratio = (b["wall"] / b["articles"]) / (a["wall"] / a["articles"])
        print(f"\ntime per article, {b['articles']:,} vs {a['articles']:,}: x{ratio:.2f}")
    folder, truth = make_corpus(args.work, sizes[-1], args.seed)
    one = one_article_check(folder, truth)
    lookup = one["lookup"]
    print(f"\nindex build over {sizes[-1]:,} articles: {one['build']:.1f} s, peak {one['build_peak']:.0f} MB, "
          f"index {one['index_mb']:.0f} MB")
    print(f"one new article checked against the index: {one['check']:.2f} s wall (whole command, best of 3), "
          f"twin found: {one['found']}")
    print(f"  of which: open the index {lookup['open'] * 1e3:.1f} ms, collect {lookup['collect'] * 1e3:.1f} ms, "
          f"LSH lookup and load of the candidates {lookup['query'] * 1e3:.1f} ms ({lookup['candidates']} candidates)")


if __name__ == "__main__":
    main()
