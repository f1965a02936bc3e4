"""A finding's identity that survives edits elsewhere in the file.

The fingerprint hashes the rule, the path, the record and the flagged text
(whitespace collapsed), never line numbers, so adding a paragraph above a
finding does not make it a new one. SARIF uses it for `partialFingerprints`
(GitHub code scanning matches alerts across commits with it).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Iterable

from qualitycheck.model import Finding


def flagged_text(finding: Finding) -> str:
    """The text a fingerprint hashes: the excerpt with whitespace collapsed, else the message."""
    text = " ".join(finding.excerpt.split())
    return text or " ".join(finding.message.split())


def finding_fingerprint(finding: Finding) -> str:
    """32 hex digits from rule, path, record and the flagged text."""
    parts = (finding.rule, finding.path, finding.record or "", flagged_text(finding))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def numbered_fingerprints(findings: Iterable[Finding]) -> list[str]:
    """`fingerprint:N` for each finding, N counting identical fingerprints in report order (from 1).

    Two findings of the same text in one file (the same appeal pasted twice)
    stay apart, and each keeps its number when unrelated text moves.
    """
    seen: Counter[str] = Counter()
    numbered = []
    for finding in findings:
        fingerprint = finding_fingerprint(finding)
        seen[fingerprint] += 1
        numbered.append(f"{fingerprint}:{seen[fingerprint]}")
    return numbered
