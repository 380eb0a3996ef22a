"""Render a Vega-Lite spec offline: SVG (for reports and pages) or PNG (for ``--plot``).

The specs come from the builders of this package; :func:`to_svg` and :func:`to_png` hand
them to vl-convert [1]_, which runs Vega and Vega-Lite inside its own embedded JavaScript
engine: nothing is fetched, no browser is needed, and the same spec gives the same bytes
(no timestamps, no random ids). The SVG keeps text as ``<text>`` elements, so a report's
numbers stay searchable and copyable.

References
----------
.. [1] Satyanarayan, Arvind, Dominik Moritz, Kanit Wongsuphasawat, and Jeffrey Heer. 2017.
   "Vega-Lite: A Grammar of Interactive Graphics." IEEE Transactions on Visualization and
   Computer Graphics 23(1): 341-350. doi:10.1109/TVCG.2016.2599030
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import vl_convert

from foedus import atomic
from foedus.errors import ChartError, WriteError

__all__ = ["VL_VERSION", "Drawing", "save", "show", "to_png", "to_svg"]

#: The Vega-Lite version the builders write (the one Altair 6 targets).
VL_VERSION = "6.4"
_XML_DECL = re.compile(r"^<\?xml[^>]*>\s*")
_ID = re.compile(r'id="([^"]+)"')
_PATH = re.compile(r' d="([^"]*)"')
_DECIMAL = re.compile(r"(-?\d+)\.(\d)\d*")


def _compact(svg: str) -> str:
    """Path data kept to a tenth of a pixel (vl-convert writes thousandths): a world map's
    SVG shrinks by about a third and looks the same."""
    return _PATH.sub(lambda m: ' d="' + _DECIMAL.sub(r"\1.\2", m.group(1)) + '"', svg)


def _own_ids(svg: str) -> str:
    """Element ids renamed after the drawing itself (``v<hash>-1``, ``-2`` …).

    vl-convert numbers clip paths with a counter that runs across drawings (``clip1``,
    ``clip2`` …), so one spec drawn twice would differ, and two drawings inlined in one
    page could share an id and clip each other. Named from a hash of the drawing, the ids
    are the same for the same spec and distinct between different ones.
    """
    ids = list(dict.fromkeys(_ID.findall(svg)))
    if not ids:
        return svg
    body = svg
    for k, old in enumerate(ids):
        body = re.sub(rf'(id="|url\(#|href="#){re.escape(old)}(["\)])',
                      lambda m, k=k: f"{m.group(1)}\x00{k}\x00{m.group(2)}", body)
    tag = "v" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:10]
    return re.sub("\x00(\\d+)\x00", lambda m: f"{tag}-{int(m.group(1)) + 1}", body)


def _vl_version(spec: dict[str, Any]) -> str:
    """vl-convert's name of the spec's Vega-Lite version (``v6_1`` …), from ``$schema``."""
    found = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    major, minor = found.groups() if found else VL_VERSION.split(".")
    return f"v{major}_{minor}"


def to_svg(spec: dict[str, Any]) -> str:
    """The spec drawn as one SVG document (no XML declaration: it can be inlined in HTML).

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification (a builder's answer).

    Returns
    -------
    str
        ``<svg …>…</svg>``, its element ids named after its content (the same spec gives
        the same text; two drawings in one page never share an id).

    Raises
    ------
    ChartError
        If Vega-Lite rejects the spec (the message says why).

    References
    ----------
    .. [1] Satyanarayan, A., et al. 2017. IEEE TVCG 23(1): 341-350.
       doi:10.1109/TVCG.2016.2599030
    """
    try:
        svg = vl_convert.vegalite_to_svg(spec, vl_version=_vl_version(spec),
                                           allowed_base_urls=[])
    except ValueError as exc:
        raise ChartError(f"The chart could not be drawn: {exc}") from None
    return _own_ids(_compact(_XML_DECL.sub("", svg)))


def to_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    """The spec drawn as a PNG image (``scale`` × its pixel size).

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification.
    scale : float
        Pixels per spec pixel.

    Returns
    -------
    bytes
        The PNG file's bytes.

    Raises
    ------
    ChartError
        If Vega-Lite rejects the spec.

    References
    ----------
    .. [1] Satyanarayan, A., et al. 2017. IEEE TVCG 23(1): 341-350.
       doi:10.1109/TVCG.2016.2599030
    """
    try:
        return bytes(vl_convert.vegalite_to_png(spec, vl_version=_vl_version(spec),
                                                allowed_base_urls=[], scale=scale))
    except ValueError as exc:
        raise ChartError(f"The chart could not be drawn: {exc}") from None


def save(spec: dict[str, Any], path: str | Path) -> Path:
    """Write the spec as ``.svg`` or ``.png`` (by the suffix of ``path``), atomically.

    The image goes to a temporary file beside ``path`` and is renamed into place
    (:func:`foedus.atomic.write_atomic`), so a reader never sees half an image; on a failure
    the old file is left as it was and no temporary file remains.

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification.
    path : str or Path
        Where to write; its suffix (``.svg`` or ``.png``) chooses the format.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ChartError
        For another suffix, or a spec Vega-Lite rejects.
    WriteError
        When the file cannot be written (one line naming the path and the reason);
        :class:`~foedus.errors.DiskFullError` for a full disk.

    References
    ----------
    .. [1] Satyanarayan, A., et al. 2017. IEEE TVCG 23(1): 341-350.
       doi:10.1109/TVCG.2016.2599030
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        data = to_svg(spec).encode("utf-8")
    elif suffix == ".png":
        data = to_png(spec)
    else:
        raise ChartError(f"{path}: charts are written as .svg or .png, not {suffix!r}.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: cannot create the folder {path.parent}: "
                         f"{atomic.reason(exc)}; nothing was written.") from None
    atomic.write_atomic(path, data)
    return path


class Drawing:
    """A spec drawn to SVG, shown inline by Jupyter and sphinx-gallery (``_repr_svg_``,
    ``_repr_html_``); ``str()`` is the SVG."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.svg = to_svg(spec)

    def __str__(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<Drawing: {len(self.svg):,} bytes of SVG>"

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return f'<div class="foedus-chart">{self.svg}</div>'


def show(spec: dict[str, Any]) -> Drawing:
    """The spec drawn, for a notebook or an example (:class:`Drawing`).

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification.

    Returns
    -------
    Drawing
        Shown inline as SVG.

    Raises
    ------
    ChartError
        If Vega-Lite rejects the spec.

    References
    ----------
    .. [1] Satyanarayan, A., et al. 2017. IEEE TVCG 23(1): 341-350.
       doi:10.1109/TVCG.2016.2599030
    """
    return Drawing(spec)
