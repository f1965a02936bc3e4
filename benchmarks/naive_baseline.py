"""The naive baseline of the speed benchmark: one regular expression of the default ad phrases, plain CPython.

    python benchmarks/naive_baseline.py FOLDER [> hits.txt]

Reads every .txt, .md and .jsonl file under FOLDER and reports every
case-insensitive, whole-word occurrence of a phrase from the `phrases` lists
of the package's ad_phrases.py as `path:line:column: phrase`, with
ONE `re` alternation over the lower-cased text: what RESEARCH.md calls "plain
CPython, one regex alternation" (0.99 s for 2,000 articles and 51 phrases
there). Lower-casing the text instead of `re.IGNORECASE` is the faster naive
form (1.5 s instead of 7.6 s for the 144 phrases shipped then on the 2,000-article
benchmark corpus), so the baseline is the harder one to beat. No parallelism,
no cache.
"""

from __future__ import annotations

import re
import runpy
import sys
from bisect import bisect_right
from pathlib import Path

# Run as a file, not imported from the package: the baseline does not pay for the package's imports.
DATA = Path(__file__).resolve().parent.parent / "src" / "qualitycheck" / "ad_phrases.py"
SUFFIXES = {".txt", ".md", ".jsonl"}


def phrases() -> list[str]:
    shipped = runpy.run_path(str(DATA))["PHRASES"]
    return sorted({p for entries in shipped.values() for p in entries}, key=len, reverse=True)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(".")
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases()) + r")\b")
    out = sys.stdout
    hits = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        for match in pattern.finditer(text):
            line = bisect_right(starts, match.start())
            column = match.start() - starts[line - 1] + 1
            out.write(f"{path}:{line}:{column}: {match.group()}\n")
            hits += 1
    print(f"{hits} hits", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
