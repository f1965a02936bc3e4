"""`python -m qualitycheck` runs the command-line interface."""

import sys

from qualitycheck.cli import main

sys.exit(main())
