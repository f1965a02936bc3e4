"""Built-in plugins: registered through the same hooks as third-party ones.

Each module here implements one or more `qualitycheck_register_*` hooks.
Modules keep their heavy set-up (phrase automata, compiled patterns) lazy so
that start-up stays small.
"""

BUILTIN_MODULES = (
    "qualitycheck.builtin.loaders",
    "qualitycheck.builtin.formatters",
    "qualitycheck.builtin.input_rules",
    "qualitycheck.builtin.ci_formats",
    "qualitycheck.builtin.ad_text",
    "qualitycheck.builtin.related_article",
    "qualitycheck.builtin.broken_wrap",
    "qualitycheck.builtin.future_url",
    "qualitycheck.builtin.duplicate_paragraph",
    "qualitycheck.builtin.duplicate_article",
    "qualitycheck.suppressions",
    "qualitycheck.builtin.yaml_rules",
)
