"""Each command's --json output validates against its JSON Schema in docs/schemas."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli, schema_validator


def _check(name: str, *args: str) -> dict:
    proc = run_cli(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    errors = sorted(schema_validator(name).iter_errors(payload), key=str)
    assert not errors, [e.message for e in errors[:5]]
    return payload


def test_data_list() -> None:
    _check("data-list", "data", "list")


def test_data_cite() -> None:
    _check("data-cite", "data", "cite", "maddison")


def test_data_pull() -> None:
    payload = _check("data-pull", "data", "pull", "cow_majors", "capitals")
    assert [p["origin"] for p in payload["pulled"]] == ["mirror", "mirror"]


@pytest.mark.usefixtures("store_home")
def test_data_status_and_summary() -> None:
    _check("data-status", "data", "status")
    _check("summary", "summary")


def test_data_build() -> None:
    payload = _check("data-build", "data", "build")
    assert payload["tables"]["atop_members"] == 2510


def test_schema_rejects_a_broken_answer() -> None:
    bad = {"datasets": [], "provenance": {"datasets": [], "view": "sideways",
                                          "foedus_version": "1"}}
    assert list(schema_validator("data-list").iter_errors(bad))
