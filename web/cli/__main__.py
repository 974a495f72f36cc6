"""`python -m web.cli`: the `tandem` command without the installed script."""

import sys

from web.cli import main

sys.exit(main())
