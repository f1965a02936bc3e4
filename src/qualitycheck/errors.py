"""The one error type for problems a user can fix (config, plugins, usage).

The CLI prints its message on one line and exits 2; real bugs keep their traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; the message names the file, line and what to do."""


class ConfigError(UserError):
    """rules.yaml (or another config file) is invalid."""


class PluginError(UserError):
    """A plugin could not be loaded or registered something invalid."""
