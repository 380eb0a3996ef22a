"""Typed answers: the base class of every lens's answer (a pydantic model).

An answer is what a verb returns (``foedus.obligations(...)``, ``foedus.burden_sharing(...)``
…): typed fields, its own :class:`~foedus.provenance.Provenance`, and :meth:`to_json`, the
exact object the command's ``--json`` prints (DESIGN §7). The faces render answers; they
never shape them. Each answer's JSON Schema in ``docs/schemas/`` is generated from its model
(:func:`json_schema`, ``python -m foedus.schemas``), and a test fails when a committed
schema differs from the generated one.

Two serialisation rules make the JSON what it has always been:

- NaN and infinities become null (JSON has neither); numpy scalars become Python numbers;
- a field listed in a model's ``omit_if_none`` is left out when it is None (an optional key,
  e.g. ``probability`` without ``--credibility``), where other None fields print as null.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import Enum
from pathlib import PurePath
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_serializer

__all__ = ["TypedAnswer", "jsonable"]


def jsonable(value: Any) -> Any:
    """NaN and infinities become None; numpy scalars and arrays become Python values; dates
    become ISO strings and enums their values."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()
        if isinstance(value, list):
            return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class TypedAnswer(BaseModel):
    """Base of the typed answers: strict fields, optional keys, JSON as ``--json`` prints it.

    Subclasses declare their fields in JSON order; ``omit_if_none`` names the keys left out
    when None.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True,
                              arbitrary_types_allowed=True,
                              json_schema_serialization_defaults_required=True)

    omit_if_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict) and self.omit_if_none:
            self._omitted(data)
        return data

    def _omitted(self, data: dict[str, Any]) -> None:
        """Drop the ``omit_if_none`` keys that are None from the serialised ``data``."""
        for name in self.omit_if_none:
            field = type(self).model_fields.get(name)
            key = (field.alias or name) if field is not None else name
            if key in data and data[key] is None:
                del data[key]

    def to_json(self) -> dict[str, Any]:
        """The answer as the command's ``--json`` prints it (one JSON-ready object)."""
        return jsonable(self.model_dump(mode="python", by_alias=True))

    @classmethod
    def json_schema(cls, name: str, title: str) -> dict[str, Any]:
        """The JSON Schema of the answer (draft 2020-12) with ``$id`` ``<name>.schema.json``."""
        schema = cls.model_json_schema(mode="validation", by_alias=True)
        _required_keys(cls, schema)
        _untitled(schema)
        if name != "provenance":
            _shared_provenance(schema)
        out = {"$id": f"{name}.schema.json",
               "$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
        out.update({k: v for k, v in schema.items() if k != "title"})
        return out


_PROVENANCE_DEFS = ("Provenance", "DatasetRef", "BookFile", "CarriedForward")


def _shared_provenance(schema: dict[str, Any]) -> None:
    """Point ``provenance`` at the shared ``provenance.schema.json`` instead of a copy."""
    defs = schema.get("$defs", {})
    if "Provenance" not in defs:
        return

    def swap(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("$ref") == "#/$defs/Provenance":
                return {"$ref": "provenance.schema.json"}
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    for name in _PROVENANCE_DEFS:
        defs.pop(name, None)
    swapped = swap(schema)
    schema.clear()
    schema.update(swapped)
    if not schema.get("$defs"):
        schema.pop("$defs", None)


def _untitled(node: Any) -> None:
    """Drop the titles pydantic derives from field names ("Cow", "Iso3")."""
    if isinstance(node, dict):
        for prop in node.get("properties", {}).values():
            if isinstance(prop, dict):
                prop.pop("title", None)
        for value in node.values():
            _untitled(value)
    elif isinstance(node, list):
        for value in node:
            _untitled(value)


def _required_keys(model: type[BaseModel], schema: dict[str, Any]) -> None:
    """Every key is required (printed, null or not) but the ``omit_if_none`` ones (here and
    in ``$defs``)."""
    models = {model.__name__: model}
    stack: list[type] = [model]
    while stack:
        for field in stack.pop().model_fields.values():
            for arg in _types(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel) \
                        and arg.__name__ not in models:
                    models[arg.__name__] = arg
                    stack.append(arg)
    nodes = [(model, schema)] + [(models[n], d) for n, d in schema.get("$defs", {}).items()
                                 if n in models]
    for m, node in nodes:
        omit = getattr(m, "omit_if_none", frozenset())
        aliases = {m.model_fields[f].alias or f for f in omit if f in m.model_fields}
        required = [k for k in node.get("properties", {}) if k not in aliases]
        if required:
            node["required"] = required
        else:
            node.pop("required", None)


def _types(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    return [annotation, *[t for a in args for t in _types(a)]]
