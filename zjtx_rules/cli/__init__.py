"""``zjtx``: the command line, one module per command group; ``main`` is the entry point."""

from zjtx_rules.cli.main import main as main
