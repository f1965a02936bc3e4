"""qualitycheck: find scraping debris in a repository of articles.

The public API for plugin authors is what this module exports; everything
else is internal and may change between minor versions.
"""

from __future__ import annotations

import pluggy

from qualitycheck.model import (
    CorpusEntry,
    Document,
    DocumentRef,
    Finding,
    Fix,
    FormatContext,
    Formatter,
    Issue,
    Loader,
    LoadProblem,
    Related,
    Rule,
    RuleContext,
    Severity,
)

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("qualitycheck")
"""Marks a plugin function as an implementation of a hook in `qualitycheck.hookspecs`."""

__all__ = [
    "CorpusEntry",
    "Document",
    "DocumentRef",
    "Finding",
    "Fix",
    "FormatContext",
    "Formatter",
    "Issue",
    "LoadProblem",
    "Loader",
    "Related",
    "Rule",
    "RuleContext",
    "Severity",
    "__version__",
    "hookimpl",
]
