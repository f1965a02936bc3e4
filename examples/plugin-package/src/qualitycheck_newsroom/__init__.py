"""Example qualitycheck rules, shipped as an installable plugin package."""

__version__ = "0.1.0"
