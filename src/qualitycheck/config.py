"""rules.yaml -> Config: discovery, strict YAML, JSON-Schema validation.

Every problem becomes a `ConfigError` whose lines read
`file:line:column: key.path: what is wrong`, the form editors jump to.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Optional

from qualitycheck import __version__
from qualitycheck.errors import ConfigError
from qualitycheck.model import Severity
from qualitycheck.paths import display_path
from qualitycheck.records import record

if TYPE_CHECKING:  # for annotations only: importing yamlload imports the YAML parser
    from qualitycheck.yamlload import Position

CONFIG_NAMES = ("rules.yaml", ".qualitycheck.yaml")
CONFIG_VERSION = 1
DEFAULT_INCLUDE = ("**",)  # every file some loader reads, plugin loaders included


@record
class RuleSettings:
    """What rules.yaml says about one rule; unset fields keep the rule's defaults."""

    key: str  # the name or code as written in rules.yaml
    enabled: Optional[bool] = None
    severity: Optional[Severity] = None
    options: Mapping[str, Any] = field(default_factory=dict)
    definition: Mapping[str, Any] = field(default_factory=dict)  # the whole entry, for rules defined in YAML


@record
class Config:
    """A validated rules.yaml (or the defaults when there is none)."""

    path: Optional[Path] = None
    root: Path = field(default_factory=Path.cwd)
    version: int = CONFIG_VERSION
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    plugins: tuple[Path, ...] = ()
    fail_on: Optional[Severity] = Severity.WARNING
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    inputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    positions: Mapping[tuple, Position] = field(default_factory=dict)
    digest: str = ""

    def where(self, key_path: Iterable[Any]) -> str:
        """`file:line:column: a.b.c` for a key path, as config errors start."""
        return located(self.path, self.positions, tuple(key_path))

    def where_key(self, key_path: Iterable[Any]) -> str:
        """Like `where`, but pointing at the last key itself rather than its value."""
        return key_located(self.path, self.positions, tuple(key_path))


def located(path: Optional[Path], positions: Mapping[tuple, Position], key_path: tuple) -> str:
    """Format the location of `key_path` (falling back to its nearest known parent)."""
    probe = key_path
    while probe not in positions and probe:
        probe = probe[:-1]
    line, column = positions.get(probe, (1, 1))
    name = display_path(path) if path else "<defaults>"
    dotted = ".".join(str(k) for k in key_path) or "<top>"
    return f"{name}:{line}:{column}: {dotted}"


def find_config(start: Path) -> Optional[Path]:
    """The nearest rules.yaml or .qualitycheck.yaml in `start` or its parents."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def config_schema() -> dict[str, Any]:
    """The JSON Schema of rules.yaml that the package ships (also for editors)."""
    from importlib import resources  # only when validating: most runs trust a stamp

    text = resources.files("qualitycheck").joinpath("schemas/rules.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def load_config(
    path: Optional[Path] = None,
    cwd: Optional[Path] = None,
    known_valid: Optional[Callable[[str], Optional[Mapping[str, Any]]]] = None,
    deferred: Optional[list] = None,
) -> Config:
    """Read and validate `path`, or the discovered config, or return the defaults.

    `known_valid(digest)` may say that this exact text validated before (with
    this version of the tool): it returns a mapping (None: not known), whose
    `parsed` entry, when present, is the (data, positions) parse of that text. The
    schema check, and the jsonschema import it needs, is then skipped, and
    with `parsed` the YAML parser is not even imported: the start-up fast
    path for pre-commit (see `cache.ValidationStamps`). With a `deferred`
    list, the schema check is put on it instead of run (see `run_deferred`).
    """
    cwd = cwd or Path.cwd()
    if path is None:
        path = find_config(cwd)
        if path is None:
            return Config(root=cwd)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{display_path(path)}: config file not found; check --config") from None
    except IsADirectoryError:
        raise ConfigError(f"{display_path(path)}: is a folder; --config takes a file such as rules.yaml") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display_path(path)}: cannot read config file: {exc}") from None
    # "parsed": stamps of this digest hold the parse (older stamps, without it, no longer match)
    digest = hashlib.sha256(f"{__version__}\0parsed\0{text}".encode("utf-8")).hexdigest()
    known = known_valid(digest) if known_valid is not None else None
    if known is not None and known.get("parsed") is not None:
        data, positions = known["parsed"]
    else:
        from qualitycheck.yamlload import YamlError, load_yaml_with_positions

        try:
            data, positions = load_yaml_with_positions(text)
        except YamlError as exc:
            raise ConfigError(f"{display_path(path)}:{exc.line}:{exc.column}: {exc.message}") from None
    if data is None:
        data = {}
    if known is None:
        check_now_or_later(lambda: validate_against(config_schema(), data, path, positions, ()), deferred)
    with deferred_checks_first(deferred):  # data the schema rejects: its message, not the crash it caused
        return _build(path, data, positions, digest)


def check_now_or_later(check: Callable[[], None], deferred: Optional[list]) -> None:
    """Run a validation now, or put it on `deferred` to run later with `run_deferred`.

    A cold `check` run defers its JSON-Schema checks (jsonschema's import
    alone is a good part of a second core's first 0.1 s) until its worker
    processes have started, and runs them while they work; nothing is
    reported before they passed.
    """
    if deferred is None:
        check()
    else:
        deferred.append(check)


def run_deferred(deferred: Optional[list]) -> None:
    """Run the validations put off so far, in order, each once; the first problem raises its ConfigError."""
    while deferred:
        deferred.pop(0)()


@contextmanager
def deferred_checks_first(deferred: Optional[list]) -> Iterator[None]:
    """When the block raises, run the validations put off so far first: a config problem is reported, not
    the error it caused further on (a ConfigError from them replaces the block's exception)."""
    try:
        yield
    except Exception:
        run_deferred(deferred)
        raise


def _build(path: Path, data: Mapping[str, Any], positions: Mapping[tuple, Position], digest: str) -> Config:
    root = path.parent.resolve()
    data = {key: value for key, value in data.items() if value is not None}  # `rules:` with nothing under it
    fail_on = data.get("fail-on", "warning")
    rules = {}
    for key, entry in data.get("rules", {}).items():
        entry = entry or {}
        severity = entry.get("severity")
        rules[key] = RuleSettings(
            key=key,
            enabled=entry.get("enabled"),
            severity=Severity.parse(severity) if severity else None,
            options=entry.get("options") or {},
            definition=entry,
        )
    return Config(
        path=path,
        root=root,
        version=data.get("version", CONFIG_VERSION),
        include=tuple(data.get("include", DEFAULT_INCLUDE)),
        exclude=tuple(data.get("exclude", ())),
        plugins=tuple((root / p) for p in data.get("plugins", ())),
        fail_on=None if fail_on == "never" else Severity.parse(fail_on),
        rules=rules,
        inputs=data.get("inputs", {}),
        raw=data,
        positions=positions,
        digest=digest,
    )


def validate_against(
    schema: Mapping[str, Any],
    instance: Any,
    path: Optional[Path],
    positions: Mapping[tuple, Position],
    prefix: tuple,
) -> None:
    """Validate `instance` (found at `prefix` in the file) and raise one line per error."""
    import jsonschema  # imported here: it costs ~0.2 s and most runs never need it

    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    lines = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        key_path = prefix + tuple(error.absolute_path)
        message = error.message
        if error.validator == "additionalProperties":
            allowed = list((error.schema.get("properties") or {}).keys())
            extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
            for key in extra:
                hint = suggest(key, allowed)
                lines.append(
                    f"{key_located(path, positions, key_path + (key,))}: unknown key{hint}"
                )
            continue
        lines.append(f"{located(path, positions, key_path)}: {_describe_error(error, message)}")
    if lines:
        raise ConfigError("\n".join(dict.fromkeys(lines)))  # a value can fail two subschemas the same way


_YAML_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
                    "number": "a number", "boolean": "true or false", "null": "empty"}


def _yaml_value(value: Any) -> str:
    """A value as the user wrote it in YAML, not as Python prints it."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _describe_error(error: Any, fallback: str) -> str:
    """jsonschema's message in YAML words for the common cases ('expected a list, got 'x'')."""
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        expected = [t for t in expected if t != "null"] or expected  # "may be left empty" goes without saying
        return f"expected {' or '.join(_YAML_TYPE_NAMES.get(t, t) for t in expected)}, got {_yaml_value(error.instance)}"
    if error.validator == "enum":
        return f"{_yaml_value(error.instance)} is not one of: {', '.join(map(str, error.validator_value))}"
    if error.validator == "const":
        return f"must be {error.validator_value!r}, not {_yaml_value(error.instance)}"
    return fallback


def key_located(path: Optional[Path], positions: Mapping[tuple, Position], key_path: tuple) -> str:
    """Format the location of the key that ends `key_path`."""
    line, column = positions.get(key_path + ("<key>",), positions.get(key_path[:-1], (1, 1)))
    name = display_path(path) if path else "<defaults>"
    return f"{name}:{line}:{column}: {'.'.join(str(k) for k in key_path)}"


def suggest(word: str, choices: Iterable[str]) -> str:
    """`"; did you mean 'ad-text'?"` when a close match exists, else ''."""
    import difflib  # only for a config with a mistake in it

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""
