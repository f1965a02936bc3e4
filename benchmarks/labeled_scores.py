"""Per-rule precision and recall of the built-in rules on the project's labeled article set.

    python benchmarks/labeled_scores.py            # the table, then every false positive and negative
    python benchmarks/labeled_scores.py --brief    # the table only (what the README shows)
    python benchmarks/labeled_scores.py --folder tests/heldout   # the held-out set, written apart

The set is tests/labeled/ (articles written for the project, labels in
tests/labeled/labels.yaml); "today" is fixed so future-url results do not
change with the calendar. The matching convention is documented in
src/qualitycheck/evaluation.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from qualitycheck.evaluation import evaluate

LABELED = Path(__file__).resolve().parent.parent / "tests" / "labeled"
AS_OF = dt.date(2026, 1, 15)
RULES = ("ad-text", "broken-wrap", "related-article", "future-url", "duplicate-paragraph")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brief", action="store_true", help="print the table without the error list")
    parser.add_argument("--folder", type=Path, default=LABELED, help="a labeled folder (default: tests/labeled)")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF, help="the day treated as today")
    args = parser.parse_args(argv)
    result = evaluate(args.folder, rules=list(RULES), as_of=args.as_of)
    sys.stdout.write(result.table(details=not args.brief))
    for problem in result.label_problems:
        print(f"label problem: {problem}", file=sys.stderr)
    return 1 if result.label_problems or result.missing_rules else 0


if __name__ == "__main__":
    sys.exit(main())
