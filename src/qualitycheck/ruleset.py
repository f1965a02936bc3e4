"""Which rules run, at which severity, with which options.

Joins the registry (what plugins offer) with rules.yaml and `--select` /
`--ignore` (what the user wants). Unknown rule names, invalid severities and
options that fail a rule's own schema are config errors with file:line:col.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import partial
from typing import Any, Iterable, Mapping, Optional, Sequence

from qualitycheck.config import Config, check_now_or_later, suggest, validate_against
from qualitycheck.errors import ConfigError, UserError
from qualitycheck.model import Rule, Severity
from qualitycheck.plugins import Registry
from qualitycheck.records import record


@record
class ActiveRule:
    """A rule that will run, with its resolved severity and options."""

    rule: Rule
    severity: Severity
    options: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.rule.name


def with_defaults(schema: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """`options` with the top-level `default`s of `schema` filled in for missing keys."""
    filled = {}
    for key, spec in (schema.get("properties") or {}).items():
        if isinstance(spec, Mapping) and "default" in spec:
            filled[key] = copy.deepcopy(spec["default"])
    filled.update(options)
    return filled


def _resolve_names(keys: Iterable[str], registry: Registry, flag: str) -> list[str]:
    names = []
    for key in keys:
        for part in filter(None, (p.strip() for p in key.split(","))):
            rule = registry.rule_named(part)
            if rule is None:
                hint = suggest(part, list(registry.rules) + list(registry.codes))
                raise UserError(f"{flag}: unknown rule {part!r}{hint} (see `qualitycheck rules`)")
            names.append(rule.name)
    return names


def build_ruleset(
    config: Config,
    registry: Registry,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    validate: bool = True,
    deferred: Optional[list] = None,
) -> list[ActiveRule]:
    """The active rules in name order.

    `validate=False` skips the JSON-Schema checks of options, for runs whose
    config is known to have validated before (the start-up fast path); with a
    `deferred` list they are put on it (see `config.run_deferred`).
    """
    settings_by_name = {}
    for key, settings in config.rules.items():
        rule = registry.rule_named(key)
        if rule is None:
            hint = suggest(key, list(registry.rules) + list(registry.codes))
            raise ConfigError(f"{config.where_key(('rules', key))}: unknown rule {key!r}{hint}")
        if rule.name in settings_by_name:
            raise ConfigError(f"{config.where(('rules', key))}: rule {rule.name!r} is configured twice "
                              f"(as {settings_by_name[rule.name].key!r} and {key!r})")
        settings_by_name[rule.name] = settings

    selected = set(_resolve_names(select, registry, "--select")) if select else None
    ignored = set(_resolve_names(ignore, registry, "--ignore"))
    active = []
    for name, rule in registry.rules.items():
        settings = settings_by_name.get(name)
        enabled = settings.enabled is not False if settings else True
        if selected is not None:
            enabled = name in selected
        if not enabled or name in ignored:
            continue
        options = dict(settings.options) if settings else {}
        if validate and (options or rule.options_schema.get("required")):
            check_now_or_later(partial(validate_against, rule.options_schema, options, config.path, config.positions,
                                       ("rules", settings.key, "options") if settings else ("rules", name, "options")),
                               deferred)
        severity = settings.severity if settings and settings.severity else rule.default_severity
        active.append(ActiveRule(rule, severity, with_defaults(rule.options_schema, options)))
    return active


def ruleset_digest(active: Sequence[ActiveRule]) -> str:
    """A hash of which rules run with which options, for caches and indexes."""
    # A rule defined by data (a YAML rule) has a `digest` of its definition on its check callable.
    payload = [(a.rule.name, a.rule.origin, str(a.severity), a.options, getattr(a.rule.check, "digest", None))
               for a in active]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def options_digest(config: Config, registry: Registry) -> str:
    """A hash of a config's text and every rule's and loader's options schema.

    When a run with the same digest validated before, options need no new check.
    """
    payload = [config.digest]
    payload += [(r.name, r.origin, r.options_schema) for r in registry.rules.values()]
    payload += [(l.name, l.origin, l.options_schema) for l in registry.loaders.values()]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode("utf-8")).hexdigest()
