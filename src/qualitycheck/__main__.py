"""`python -m qualitycheck` runs the command-line interface."""

import sys

from qualitycheck.cli import command_line

sys.exit(command_line())
