"""Make the plugin manager and collect what plugins register.

Three sources, registered through the same hooks: the built-in plugins, the
`qualitycheck` entry-point group of installed packages, and the `plugins:`
files named in rules.yaml (imported under a private module name so that a
file called `json.py` cannot shadow the standard library).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Optional

import pluggy

from qualitycheck import hookspecs
from qualitycheck.config import Config
from qualitycheck.errors import PluginError, UserError
from qualitycheck.model import Formatter, Loader, Rule
from qualitycheck.paths import display_path
from qualitycheck.records import record

ENTRY_POINT_GROUP = "qualitycheck"
BUILTIN_ORIGIN = "qualitycheck"
LOCAL_MODULE_PREFIX = "_qualitycheck_local_plugins"
RULE_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@record(frozen=False)
class Registry:
    """Everything the plugins registered, keyed for look-up."""

    rules: dict[str, Rule] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # code -> rule name
    loaders: dict[str, Loader] = field(default_factory=dict)
    formatters: dict[str, Formatter] = field(default_factory=dict)
    suffixes: dict[str, Loader] = field(default_factory=dict)

    def rule_named(self, key: str) -> Optional[Rule]:
        """The rule whose name or code is `key`."""
        if key in self.rules:
            return self.rules[key]
        name = self.codes.get(key.upper())
        return self.rules.get(name) if name else None

    def loader_for(self, path: Path) -> Optional[Loader]:
        return self.suffixes.get(path.suffix.lower())


def make_plugin_manager(config: Config, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with built-ins, installed plugins and rules.yaml's plugin files."""
    from qualitycheck.builtin import BUILTIN_MODULES

    manager = pluggy.PluginManager("qualitycheck")
    manager.add_hookspecs(hookspecs)
    for module_name in BUILTIN_MODULES:
        manager.register(importlib.import_module(module_name), name=f"{BUILTIN_ORIGIN}:{module_name}")
    if load_entry_points:
        _register_entry_points(manager)
    for index, path in enumerate(config.plugins):
        _register_local_file(manager, config, index, path)
    return manager


def _may_declare_entry_points() -> bool:
    """Whether some installed distribution may declare the `qualitycheck` entry-point group.

    A quick look at the `entry_points.txt` of each *.dist-info and *.egg-info
    folder on sys.path, so that a run without plugin packages does not import
    importlib.metadata (and the email package) and parse every distribution's
    METADATA: about 50 ms of each pre-commit run. Anything else that can hold
    distributions (a zip archive, a custom finder) means: maybe.
    """
    import os

    header = re.compile(rf"^[ \t]*\[[ \t]*{re.escape(ENTRY_POINT_GROUP)}[ \t]*\]", re.MULTILINE)
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8", errors="replace") as f:
                    if header.search(f.read()):
                        return True
            except OSError:
                continue
    return False


def _register_entry_points(manager: pluggy.PluginManager) -> None:
    if not _may_declare_entry_points():
        return
    from importlib.metadata import distributions

    seen: set[tuple[str, str]] = set()  # a package found twice on sys.path registers once
    for dist in distributions():
        dist_name = dist.metadata["Name"]
        for entry_point in dist.entry_points:
            key = (re.sub(r"[-_.]+", "-", str(dist_name)).lower(), entry_point.name)
            if entry_point.group != ENTRY_POINT_GROUP or key in seen:
                continue
            seen.add(key)
            try:
                plugin = entry_point.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is the plugin's
                raise PluginError(
                    f"plugin {entry_point.name!r} from package {dist_name} {dist.version} failed to load: "
                    f"{type(exc).__name__}: {exc}; fix or uninstall that package"
                ) from None
            manager.register(plugin, name=f"{dist_name}:{entry_point.name}")


def _register_local_file(manager: pluggy.PluginManager, config: Config, index: int, path: Path) -> None:
    where = config.where(("plugins", index))
    if not path.is_file():
        raise PluginError(f"{where}: plugin file {display_path(path)} does not exist")
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    module_name = f"{LOCAL_MODULE_PREFIX}.{stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{where}: {display_path(path)} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - report any failure of the user's file
        del sys.modules[module_name]
        raise PluginError(
            f"{where}: plugin {display_path(path)} failed to load: {type(exc).__name__}: {exc}"
        ) from None
    manager.register(module, name=display_path(path))


def _origin(plugin_name: str) -> str:
    if plugin_name.startswith(f"{BUILTIN_ORIGIN}:"):
        return BUILTIN_ORIGIN
    return plugin_name.split(":", 1)[0]


def _registration_order(impls: list) -> list:
    """Built-ins, then entry points, then plugin files (`tryfirst` before, `trylast` after all of them).

    pluggy *calls* hooks last-registered-first; registering in this order instead
    means a plugin that reuses a built-in rule name is the one blamed, and a later
    plugin's loader takes a suffix over from a built-in one.
    """
    return ([impl for impl in impls if impl.tryfirst]
            + [impl for impl in impls if not impl.tryfirst and not impl.trylast]
            + [impl for impl in impls if impl.trylast])


def _call_each(manager: pluggy.PluginManager, hook_name: str, config: Config) -> list[tuple[str, Any]]:
    """Call every implementation of a register hook on its own, so failures name the plugin."""
    results = []
    caller = getattr(manager.hook, hook_name)
    for impl in _registration_order(caller.get_hookimpls()):
        origin = _origin(impl.plugin_name)
        kwargs = {"config": config} if "config" in impl.argnames else {}
        try:
            items = impl.function(**kwargs) or []
        except UserError:  # e.g. a ConfigError about a rule defined in rules.yaml: already says where
            raise
        except Exception as exc:  # noqa: BLE001
            raise PluginError(f"plugin {origin}: {hook_name} failed: {type(exc).__name__}: {exc}") from None
        results.extend((origin, item) for item in items)
    return results


def collect_registry(manager: pluggy.PluginManager, config: Config) -> Registry:
    """Ask every plugin for its rules, loaders and formatters, and check they fit together."""
    registry = Registry()
    for origin, rule in _call_each(manager, "qualitycheck_register_rules", config):
        if not isinstance(rule, Rule):
            raise PluginError(f"plugin {origin}: qualitycheck_register_rules returned {rule!r}, not a Rule")
        if origin == BUILTIN_ORIGIN and rule.origin:  # rules built from config say where they came from
            origin = rule.origin
        if not RULE_NAME.match(rule.name):
            raise PluginError(f"plugin {origin}: rule name {rule.name!r} must be kebab-case, like 'ad-text'")
        if rule.name in registry.rules:
            other = registry.rules[rule.name].origin
            if "kind" in getattr(config.rules.get(rule.name), "definition", {}):  # defined in rules.yaml
                raise PluginError(f"{config.where_key(('rules', rule.name))}: rule {rule.name!r} is already "
                                  f"registered by {other}; give the rule defined here another name")
            raise PluginError(f"plugin {origin}: rule {rule.name!r} is already registered by {other}")
        code = rule.code.upper()
        if code in registry.codes:
            raise PluginError(f"plugin {origin}: rule code {rule.code!r} of {rule.name!r} is already used by "
                              f"{registry.codes[code]!r}")
        registry.rules[rule.name] = replace(rule, origin=origin)
        registry.codes[code] = rule.name
    for origin, loader in _call_each(manager, "qualitycheck_register_loaders", config):
        if loader.name in registry.loaders:
            raise PluginError(f"plugin {origin}: loader {loader.name!r} is already registered")
        loader = replace(loader, origin=origin)
        registry.loaders[loader.name] = loader
        for suffix in loader.extensions:
            registry.suffixes[suffix.lower()] = loader  # later plugins take a suffix over
    for origin, formatter in _call_each(manager, "qualitycheck_register_formatters", config):
        registry.formatters[formatter.name] = replace(formatter, origin=origin)
    registry.rules = dict(sorted(registry.rules.items()))
    return registry


def load_registry(config: Config, load_entry_points: bool = True) -> Registry:
    """Plugins from every source, collected into one registry."""
    return collect_registry(make_plugin_manager(config, load_entry_points), config)
