"""``python -m playground`` — same as the ``playground`` command."""

import sys

from playground.app import main

sys.exit(main())
