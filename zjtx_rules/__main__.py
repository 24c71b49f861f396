"""``python -m zjtx_rules``: the same command line as ``zjtx``."""

from .cli import main

raise SystemExit(main())
