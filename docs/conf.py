"""Sphinx configuration of the foedus documentation site (``make docs``).

The site builds offline: no intersphinx, MathJax from the npm copy that ``make vendor``
puts in ``docs/_vendor/`` (``mathjax_path``), the theme's own fonts and icons only. Warnings
are errors (``-W``); ``tools/check_docs.py`` then checks every internal link and that no page
loads anything from outside the site.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

from foedus import __version__  # noqa: E402

project = "foedus"
author = "foedus developers"
copyright = "foedus developers (MIT licence)"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
    "foedus_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_vendor", "schemas/README*", "Thumbs.db", ".DS_Store"]

# --- MyST: the existing Markdown pages ------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist"]  # no dollarmath: the pages write US$
myst_heading_anchors = 3

# --- API reference ------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_typehints = "none"        # numpydoc's Parameters carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc's References sections list works that a docstring need not cite inline with [1]_;
# an uncited entry is not an error (several lens docstrings list sources that way)
suppress_warnings = ["ref.citation"]

# --- offline ------------------------------------------------------------------------------
mathjax_path = "mathjax/tex-svg-full.js"   # docs/_vendor/mathjax/, copied from npm
html_static_path = ["_vendor"]
templates_path = ["_templates"]
html_theme = "pydata_sphinx_theme"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}  # an unset mode logs a console error
html_title = f"foedus {__version__}"
html_last_updated_fmt = None
html_copy_source = False
linkcheck_ignore = [r"https?://"]
