"""``python -m foedus.cli`` runs the command line."""

from foedus.cli.main import run

run()
