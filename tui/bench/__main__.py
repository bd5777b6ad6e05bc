"""Entry point for ``python -m tui.bench``."""

import sys

from tui.bench import main

sys.exit(main())
