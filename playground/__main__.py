"""`python -m playground` runs the same entry point as `backprop-playground`."""

import sys

from playground.cli import main

sys.exit(main())
