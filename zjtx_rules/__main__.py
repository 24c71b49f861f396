"""``python -m zjtx_rules``: the same command line as ``zjtx``."""

from zjtx_rules.cli.main import main

raise SystemExit(main())
