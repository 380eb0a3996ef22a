"""The ``foedus`` command: a thin face over the Python API (typer + rich)."""
