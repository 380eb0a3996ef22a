"""``foedus._lazy``: pandas imported on first use, and its attributes kept once read."""

from __future__ import annotations

import subprocess
import sys


def test_pandas_is_imported_on_first_use_and_its_attributes_kept():
    """Importing the stand-in imports no pandas; the first read does, gives pandas' own
    object, and keeps it (a second read does not come back to ``__getattr__``); a name
    pandas lacks raises AttributeError and is not kept."""
    code = """
import sys
from foedus._lazy import pandas as pd
assert "pandas" not in sys.modules
isna = pd.isna
import pandas
assert isna is pandas.isna and "pandas" in sys.modules
assert pd.__dict__["isna"] is pandas.isna
try:
    pd.no_such_name
except AttributeError:
    pass
else:
    raise AssertionError("no AttributeError")
assert "no_such_name" not in pd.__dict__
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
