"""``python -m tearline``: the same command as ``tearline``."""

import sys

from tearline.cli import main

sys.exit(main())
