"""``python -m presslens``: the same as the ``presslens`` command."""

import sys

from presslens.cli import main

sys.exit(main())
