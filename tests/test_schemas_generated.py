"""The JSON Schemas of the typed answers are generated from their models: a committed schema
that differs from the generated one fails (regenerate with ``python -m foedus.schemas``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from foedus.schemas import SCHEMAS, generate, render

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "docs" / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_the_generated_one(name: str) -> None:
    committed = (SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8")
    assert committed == render(name), (
        f"docs/schemas/{name}.schema.json differs from its model; run "
        "`python -m foedus.schemas docs/schemas` and commit the result")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_generated_schema_is_valid(name: str) -> None:
    schema = generate(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{name}.schema.json"
    if name not in ("provenance", "replicate-list"):  # the list of studies reads no data
        assert schema["properties"]["provenance"] == {"$ref": "provenance.schema.json"}
