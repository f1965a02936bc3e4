"""Rules defined in rules.yaml alone: every `rules:` entry with a `kind:` key becomes a Rule.

Kinds: `phrases`, `pattern`, `substitution`, `metadata`, `line-count`, `length`
(docs/yaml-rules.md shows each). The entries were validated against the
kind's JSON Schema when the config loaded; here their patterns are compiled
and checked (`safe_regex`), their message templates and `examples:` tried,
and any problem becomes a ConfigError at the entry's file:line:column. The
rules then register like any plugin's, with the config file as their origin,
so reports, baselines and suppressions treat them like built-in rules.
"""

from __future__ import annotations

import json
import string
from typing import Any, Callable, Iterator, Mapping, Optional

from qualitycheck import hookimpl
from qualitycheck.config import Config
from qualitycheck.errors import ConfigError
from qualitycheck.model import Document, Fix, Issue, Rule, RuleContext, Severity
from qualitycheck.paths import display_path
from qualitycheck.records import record
from qualitycheck.text import LineIndex

KINDS = ("phrases", "pattern", "substitution", "metadata", "line-count", "length")
GENERATED_CODE_PREFIX = "Y"
DEFAULT_MESSAGES = {
    "phrases": "'{match}' should not be in the article",
    "pattern": "'{match}' should not be in the article",
    "substitution": "use '{suggestion}' instead of '{match}'",
    "metadata": "{error}",
    "line-count": "{count} lines; expected {expected}",
    "length": "{length} {unit}; expected {expected}",
}
PLACEHOLDERS = {
    "phrases": ("match", "phrase", "field"),
    "pattern": ("match", "field"),
    "substitution": ("match", "suggestion", "field"),
    "metadata": ("error", "field"),
    "line-count": ("count", "min", "max", "expected"),
    "length": ("length", "min", "max", "expected", "unit", "field"),
}
NO_OPTIONS_SCHEMA = {"type": "object", "additionalProperties": False, "properties": {}}


@hookimpl(trylast=True)  # after every other plugin, so a clashing name is blamed on rules.yaml
def qualitycheck_register_rules(config: Config) -> list[Rule]:
    return yaml_rules(config)


def yaml_rules(config: Config) -> list[Rule]:
    """The rules that `config` defines with `kind:` entries, validated, in file order."""
    entries = [(key, dict(s.definition)) for key, s in config.rules.items() if "kind" in (s.definition or {})]
    if not entries:
        return []
    origin = display_path(config.path) if config.path else "rules.yaml"
    codes = _assign_codes(config, entries)
    return [_build_rule(config, origin, name, definition, codes[name]) for name, definition in entries]


def _assign_codes(config: Config, entries: list[tuple[str, dict]]) -> dict[str, str]:
    """Explicit `code:` values, and `Y001`, `Y002`, ... by file order for the others (skipping taken ones)."""
    codes: dict[str, str] = {}
    taken: dict[str, str] = {}
    for name, definition in entries:
        code = definition.get("code")
        if code:
            if code.upper() in taken:
                raise ConfigError(f"{config.where(('rules', name, 'code'))}: code {code!r} is already used by "
                                  f"rule {taken[code.upper()]!r}")
            taken[code.upper()] = name
            codes[name] = code
    number = 0
    for name, definition in entries:
        if name in codes:
            continue
        while True:
            number += 1
            code = f"{GENERATED_CODE_PREFIX}{number:03d}"
            if code not in taken:
                break
        taken[code] = name
        codes[name] = code
    return codes


def _build_rule(config: Config, origin: str, name: str, definition: dict, code: str) -> Rule:
    from qualitycheck.plugins import RULE_NAME

    if not RULE_NAME.match(name):
        raise ConfigError(f"{config.where_key(('rules', name))}: rule name {name!r} must be kebab-case "
                          f"(lower-case words joined by '-'), like 'newsletter-signup'")
    kind = definition["kind"]
    if kind in ("line-count", "length"):
        _check_limits(config, name, kind, definition)
    message = definition.get("message", DEFAULT_MESSAGES[kind])
    _check_template(config, name, kind, message)
    check = YamlRuleCheck(name, definition, _pattern_places(config, name, definition))
    check.prepare(config)
    severity = Severity.parse(definition.get("severity", "warning"))
    rule = Rule(
        name=name,
        code=code,
        summary=definition.get("summary") or _default_summary(kind, message),
        check=check,
        default_severity=severity,
        options_schema=NO_OPTIONS_SCHEMA,
        docs=_docs(config, name, definition),
        origin=origin,
    )
    _check_examples(config, name, definition, rule)
    return rule


GENERIC_SUMMARIES = {
    "phrases": "Phrases listed in the rule's definition",
    "pattern": "Text matching the rule's regular expressions",
    "substitution": "Words that have a preferred replacement",
    "metadata": "Metadata that fails the rule's JSON Schema",
    "line-count": "Articles with too few or too many lines",
    "length": "Text that is too short or too long",
}


def _check_limits(config: Config, name: str, kind: str, definition: Mapping[str, Any]) -> None:
    low, high = definition.get("min"), definition.get("max")
    if low is None and high is None:
        raise ConfigError(f"{config.where(('rules', name))}: a {kind} rule needs `min`, `max` or both")
    if low is not None and high is not None and low > high:
        raise ConfigError(f"{config.where(('rules', name, 'min'))}: min ({low}) is larger than max ({high})")


def _default_summary(kind: str, message: str) -> str:
    """The message itself when it has no placeholders, else a line saying what the kind does."""
    if "{" in message:
        return GENERIC_SUMMARIES[kind]
    return f"{message[:1].upper()}{message[1:]}"


def _check_template(config: Config, name: str, kind: str, message: str) -> None:
    allowed = PLACEHOLDERS[kind]
    where = config.where(("rules", name, "message"))
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(message) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}; write {{{{ and }}}} for literal braces") from None
    for field in fields:
        if field not in allowed:
            known = ", ".join("{" + a + "}" for a in allowed)
            raise ConfigError(f"{where}: unknown placeholder {{{field}}}; a {kind} rule offers {known}")


def _pattern_places(config: Config, name: str, definition: Mapping[str, Any]) -> list[str]:
    """`rules.yaml:9:9` for each pattern, so a stopped pattern can be named in the report."""
    return [config.where(("rules", name, "patterns", i)).rsplit(": ", 1)[0]
            for i in range(len(definition.get("patterns") or ()))]


def _format(message: str, values: Mapping[str, Any]) -> str:
    return message.format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


# --- the check ----------------------------------------------------------------------------------

@record
class Segment:
    """A piece of a document a rule searches, and how offsets in it map to an Issue."""

    text: str
    place: Callable[[int, int], dict]  # (start, end) -> Issue keyword arguments
    field: str = ""


class YamlRuleCheck:
    """The check callable of one YAML rule: plain data, with matchers built lazily per process.

    Picklable (worker processes get the definition and rebuild the matchers),
    and `digest` changes whenever the definition does, for caches.
    """

    def __init__(self, name: str, definition: Mapping[str, Any], pattern_places: list[str]) -> None:
        self.name = name
        self.definition = json.loads(json.dumps(definition))
        self.pattern_places = pattern_places
        self.digest = json.dumps(self.definition, sort_keys=True)
        self._matchers: Optional[list] = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_matchers"] = None
        return state

    # Set up -------------------------------------------------------------------------------------
    def prepare(self, config: Optional[Config] = None) -> None:
        """Compile the matchers; with `config`, problems become ConfigErrors at their position."""
        kind = self.definition["kind"]
        if kind == "pattern":
            from qualitycheck.safe_regex import PatternProblem, compile_pattern

            matchers = []
            for index, pattern in enumerate(self.definition["patterns"]):
                try:
                    matchers.append(compile_pattern(pattern, self.definition.get("ignore-case", False)))
                except PatternProblem as problem:
                    if config is None:
                        raise
                    where = _pattern_location(config, ("rules", self.name, "patterns", index), problem.offset)
                    raise ConfigError(f"{where}: {problem.message}") from None
            self._matchers = matchers
        elif kind in ("phrases", "substitution"):
            from qualitycheck.phrase_pattern import PhrasePattern

            phrases = self.definition["phrases"] if kind == "phrases" else list(self.definition["swap"])
            self._matchers = [PhrasePattern(phrases, self.definition.get("ignore-case", True),
                                            self.definition.get("whole-word", True))]
        else:
            self._matchers = []

    def __call__(self, document: Document, context: RuleContext) -> Iterator[Issue]:
        if self._matchers is None:
            self.prepare()
        kind = self.definition["kind"]
        if kind == "metadata":
            yield from self._check_metadata(document, context)
        elif kind == "line-count":
            yield from self._check_line_count(document)
        elif kind == "length":
            yield from self._check_length(document)
        else:
            yield from self._check_matches(document)

    # Kinds --------------------------------------------------------------------------------------
    def _message(self, **values: Any) -> str:
        kind = self.definition["kind"]
        return _format(self.definition.get("message", DEFAULT_MESSAGES[kind]), values)

    def _check_matches(self, document: Document) -> Iterator[Issue]:
        kind = self.definition["kind"]
        swap = {}
        if kind == "substitution":
            from qualitycheck.phrase_pattern import normalize_phrase

            ignore_case = self.definition.get("ignore-case", True)
            swap = {normalize_phrase(k, ignore_case): v for k, v in self.definition["swap"].items()}
        for segment in segments(document, self.definition.get("scope", "body"), self.definition.get("field")):
            for start, end, phrase in self._find(segment.text, document):
                matched = segment.text[start:end]
                extra: dict[str, Any] = {}
                values = {"match": " ".join(matched.split()), "phrase": phrase, "field": segment.field}
                if kind == "substitution":
                    suggestion = _match_case(swap[normalize_phrase(phrase, ignore_case)], matched)
                    values["suggestion"] = suggestion
                    extra["fix"] = Fix(suggestion, f"replace '{values['match']}' with '{suggestion}'")
                yield Issue(message=self._message(**values), **segment.place(start, end), **extra)

    def _find(self, text: str, document: Document) -> Iterator[tuple[int, int, str]]:
        if self.definition["kind"] != "pattern":
            yield from self._matchers[0].finditer(text)
            return
        from qualitycheck.safe_regex import Deadline, PatternTimeout, finditer_limited

        deadline = Deadline(self.definition.get("timeout", 1.0))
        for index, compiled in enumerate(self._matchers):
            try:
                for match in finditer_limited(compiled, text, deadline):
                    if match.end() > match.start():
                        yield match.start(), match.end(), compiled.pattern
            except PatternTimeout as stop:
                raise PatternTimeout(
                    f"pattern {compiled.pattern!r} ({self.pattern_places[index]}) of rule {self.name!r} was "
                    f"{stop}: it backtracks too much on this text; rewrite it without nested repetition "
                    f"such as (a+)+, or raise `timeout:`") from None

    def _check_metadata(self, document: Document, context: RuleContext) -> Iterator[Issue]:
        from qualitycheck.builtin.input_rules import check_metadata

        schema_context = RuleContext(options={"schema": self.definition["schema"]}, as_of=context.as_of)
        for issue in check_metadata(document, schema_context):
            error = issue.message[len("metadata "):] if issue.message.startswith("metadata ") else issue.message
            field = issue.excerpt if issue.excerpt != "metadata" else ""
            yield Issue(message=self._message(error=error, field=field), line=issue.line, column=issue.column,
                        end_line=issue.end_line, end_column=issue.end_column, excerpt=issue.excerpt)

    def _limits(self, value: int) -> Optional[dict[str, Any]]:
        low, high = self.definition.get("min"), self.definition.get("max")
        if (low is None or value >= low) and (high is None or value <= high):
            return None
        if low is not None and high is not None:
            expected = f"{low} to {high}"
        else:
            expected = f"at least {low}" if low is not None else f"at most {high}"
        return {"min": "" if low is None else low, "max": "" if high is None else high, "expected": expected}

    def _check_line_count(self, document: Document) -> Iterator[Issue]:
        count_blank = self.definition.get("count-blank", False)
        counted = [place for segment in segments(document, self.definition.get("scope", "body"), None)
                   for place in _counted_lines(segment, count_blank)]
        limits = self._limits(len(counted))
        if limits is None:
            return
        message = self._message(count=len(counted), **limits)
        high = self.definition.get("max")
        if high is not None and len(counted) > high:  # point at the first line past the limit
            yield Issue(message=message, **counted[high])
        else:
            yield Issue(message=message, line=1, column=1)

    def _check_length(self, document: Document) -> Iterator[Issue]:
        unit = self.definition.get("unit", "characters")
        scope = self.definition.get("scope", "body")
        measure = (lambda text: len(text.split())) if unit == "words" else len
        parts = list(segments(document, scope, self.definition.get("field")))
        if scope in ("body", "text"):
            limits = self._limits(sum(measure(part.text) for part in parts))
            if limits is not None:
                length = sum(measure(part.text) for part in parts)
                yield Issue(message=self._message(length=length, unit=unit, **limits), line=1, column=1)
            return
        high = self.definition.get("max")
        for part in parts:
            length = measure(part.text)
            limits = self._limits(length) if part.text.strip() else None
            if limits is None:
                continue
            # Like a line-length linter, a line or field that is too long is flagged from the limit on.
            start = high if unit == "characters" and high is not None and length > high else 0
            yield Issue(message=self._message(length=length, unit=unit, field=part.field, **limits),
                        **part.place(start, len(part.text)))


def _match_case(suggestion: str, matched: str) -> str:
    """Keep the case of what was written: 'Email' -> 'E-mail' rather than 'e-mail'."""
    if matched.isupper() and len(matched) > 1:
        return suggestion.upper()
    if matched[:1].isupper() and suggestion[:1].islower():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def _counted_lines(segment: Segment, count_blank: bool) -> Iterator[dict]:
    """Issue placements of the lines of `segment` that count (blank ones only with `count-blank`)."""
    index = LineIndex(segment.text)
    for number, line in enumerate(index.lines, start=1):
        if count_blank or line.strip():
            offset = index.offset(number)
            yield segment.place(offset, offset + len(line))


# --- where a rule looks: scopes ---------------------------------------------------------------------

def segments(document: Document, scope: str, field: Optional[str]) -> Iterator[Segment]:
    """The pieces of `document` that `scope` covers: body, each line, front matter + body, or a field."""
    if scope == "body":
        yield Segment(document.text, lambda s, e: _span(document, s, e))
    elif scope == "line":
        index = document.index
        for number, line in enumerate(index.lines, start=1):
            yield Segment(line, lambda s, e, n=number: {"line": n, "column": s + 1, "end_line": n,
                                                       "end_column": e + 1})
    elif scope == "text":
        if document.front_matter is not None:
            yield _front_matter_segment(document)
        yield Segment(document.text, lambda s, e: _span(document, s, e))
    elif scope == "field":
        value = document.metadata.get(field) if field else None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            yield _field_segment(document, field, str(value))


def _span(document: Document, start: int, end: int) -> dict:
    line, column = document.index.position(start)
    end_line, end_column = document.index.position(end)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column}


def _front_matter_segment(document: Document) -> Segment:
    """The raw front matter; its file lines start at 2, so text-relative lines are 0 or less."""
    raw = document.front_matter or ""
    index = LineIndex(raw)

    def place(start: int, end: int) -> dict:
        line, column = index.position(start)
        end_line, end_column = index.position(end)
        return {"line": document.text_line(line + 1), "column": column, "end_line": document.text_line(end_line + 1),
                "end_column": end_column, "excerpt": " ".join(raw[start:end].split())}

    return Segment(raw, place)


def _field_segment(document: Document, field: str, value: str) -> Segment:
    """A metadata field's value, placed on its front matter line when the value is written there."""
    line, column = 1, None
    if document.front_matter is not None:
        for number, text in enumerate(LineIndex(document.front_matter).lines, start=2):
            if text.startswith(f"{field}:"):
                line = document.text_line(number)
                found = text.find(value, len(field) + 1)
                column = found + 1 if found != -1 else None
                break

    def place(start: int, end: int) -> dict:
        excerpt = " ".join(value[start:end].split()) or value[:80]
        if column is None:
            return {"line": line, "column": 1, "end_line": line, "end_column": 1, "excerpt": excerpt}
        return {"line": line, "column": column + start, "end_line": line, "end_column": column + max(end, start + 1),
                "excerpt": excerpt}

    return Segment(value, place, field)


# --- load-time checks -------------------------------------------------------------------------------

def _pattern_location(config: Config, key_path: tuple, offset: int) -> str:
    """`file:line:column: key.path` pointing at character `offset` of a pattern when it can be told.

    Exact for plain and single-quoted scalars on one line; otherwise the start of the scalar.
    """
    where = config.where(key_path)
    line, column = config.positions.get(key_path, (1, 1))
    try:
        source = config.path.read_text(encoding="utf-8").split("\n")[line - 1] if config.path else ""
    except OSError:
        return where
    raw = source[column - 1:]
    if raw.startswith('"'):
        return where
    quoted = raw.startswith("'")
    value_index = 1 if quoted else 0
    seen = 0
    while seen < offset and value_index < len(raw):
        value_index += 2 if quoted and raw.startswith("''", value_index) else 1
        seen += 1
    name = display_path(config.path) if config.path else "<defaults>"
    dotted = ".".join(str(k) for k in key_path)
    return f"{name}:{line}:{column + value_index}: {dotted}"


def _check_examples(config: Config, name: str, definition: Mapping[str, Any], rule: Rule) -> None:
    """Run `examples:`: each `bad` one must be flagged, each `good` one must not."""
    examples = definition.get("examples") or {}
    context = RuleContext(options={}, as_of=None)
    for group in ("bad", "good"):
        for index, example in enumerate(examples.get(group) or ()):
            document = _example_document(definition, example)
            where = config.where(("rules", name, "examples", group, index))
            try:
                issues = list(rule.check(document, context))
            except Exception as exc:  # noqa: BLE001 - e.g. a pattern stopped by its time limit
                raise ConfigError(f"{where}: the rule fails on this example: {exc}") from None
            if group == "bad" and not issues:
                raise ConfigError(f"{where}: the rule does not flag this example, but `bad` examples must be "
                                  f"flagged; check the rule's {_what_matches(definition)}")
            if group == "good" and issues:
                first = issues[0]
                raise ConfigError(f"{where}: the rule flags this example ({first.message!r} at column "
                                  f"{first.column}), but `good` examples must pass")


def _what_matches(definition: Mapping[str, Any]) -> str:
    return {"phrases": "phrases", "pattern": "patterns", "substitution": "swap list", "metadata": "schema",
            "line-count": "min and max", "length": "min and max"}[definition["kind"]]


def _example_document(definition: Mapping[str, Any], example: Any) -> Document:
    if definition["kind"] == "metadata":
        return Document(path="<example>", text="", metadata=example)
    if definition.get("scope") == "field":
        return Document(path="<example>", text="", metadata={definition["field"]: example})
    return Document(path="<example>", text=example)


# --- docs -------------------------------------------------------------------------------------------

_WHAT = {
    "phrases": "Flags any of these phrases{case}{words}, wherever spaces or a line break separate their words: {items}.",
    "pattern": "Flags text matching any of these regular expressions{case}: {items}.",
    "substitution": "Flags these words or phrases and suggests a replacement (also as a fix): {items}.",
    "metadata": "Checks the article's metadata against this JSON Schema: `{items}`.",
    "line-count": "Counts the {items} and flags articles outside {expected}.",
    "length": "Measures {items} and flags those outside {expected}.",
}


def _docs(config: Config, name: str, definition: Mapping[str, Any]) -> str:
    """Docs in ruff's shape, built from the definition (so `qualitycheck rules NAME` explains it)."""
    import yaml

    kind = definition["kind"]
    scope = definition.get("scope", "body")
    items: Any
    if kind == "phrases":
        items = ", ".join(f"'{p}'" for p in definition["phrases"])
    elif kind == "pattern":
        items = ", ".join(f"`{p}`" for p in definition["patterns"])
    elif kind == "substitution":
        items = ", ".join(f"'{k}' -> '{v}'" for k, v in definition["swap"].items())
    elif kind == "metadata":
        items = json.dumps(definition["schema"], sort_keys=True)
    elif kind == "line-count":
        items = "lines" + ("" if definition.get("count-blank") else " that are not blank")
    else:
        items = f"the {definition.get('unit', 'characters')} of " + {
            "body": "the body", "text": "the whole text", "line": "each line",
            "field": f"the `{definition.get('field')}` field"}[scope]
    low, high = definition.get("min"), definition.get("max")
    expected = f"{low} to {high}" if low is not None and high is not None else (
        f"at least {low}" if low is not None else f"at most {high}")
    what = definition.get("description") or _WHAT[kind].format(
        items=items, expected=expected,
        case="" if definition.get("ignore-case", kind != "pattern") else " (case-sensitive)",
        words="" if definition.get("whole-word", True) else " (also inside words)")
    if kind not in ("metadata",) and scope != "body":
        what += f" Looks at: {scope}" + (f" `{definition.get('field')}`." if scope == "field" else ".")
    why = definition.get("why") or "Defined by your team in rules.yaml; the message says what is wrong."
    bad = (definition.get("examples") or {}).get("bad") or []
    example = (f"This is flagged:\n```text\n{bad[0] if isinstance(bad[0], str) else json.dumps(bad[0])}\n```"
               if bad else "(none given: add `examples: {bad: [...], good: [...]}` to the definition)")
    location = config.where_key(("rules", name)).rsplit(": ", 1)[0]
    shown = yaml.safe_dump({name: dict(definition)}, sort_keys=False, allow_unicode=True).rstrip()
    return (f"## What it does\n{what}\n\n## Why is this bad?\n{why}\n\n## Example\n{example}\n\n"
            f"## Options\nNone: change the definition itself ({location}).\n\n"
            f"## Definition\n```yaml\n{shown}\n```\n")
