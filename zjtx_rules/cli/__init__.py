"""``zjtx``: the command line, one module per command group; ``main`` is the entry point
(``python -m zjtx_rules`` runs it)."""

from zjtx_rules.cli.main import main as main
