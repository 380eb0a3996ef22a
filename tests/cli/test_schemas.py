"""Each answer validates against its JSON Schema in docs/schemas: most through the library's
typed answers (``to_json()`` is what ``--json`` prints, tests/test_api.py), pull and build
through the command line."""

from __future__ import annotations

import json

import pytest

import foedus

from helpers import run_cli, schema_validator


def _check(name: str, *args: str, answer=None) -> dict:
    if answer is None:
        proc = run_cli(*args, "--json")
        assert proc.returncode == 0, proc.stderr
        payload = json.loads(proc.stdout)
    else:
        payload = answer.to_json()
    errors = sorted(schema_validator(name).iter_errors(payload), key=str)
    assert not errors, [e.message for e in errors[:5]]
    return payload


def test_data_list() -> None:
    _check("data-list", answer=foedus.list_datasets())


def test_data_cite() -> None:
    _check("data-cite", answer=foedus.cite("maddison"))


def test_data_pull() -> None:
    payload = _check("data-pull", "data", "pull", "cow_majors", "capitals")
    assert [p["origin"] for p in payload["pulled"]] == ["mirror", "mirror"]


@pytest.mark.usefixtures("store_home")
def test_data_status_and_summary() -> None:
    _check("data-status", answer=foedus.store_status())
    _check("summary", answer=foedus.summary())


def test_data_build() -> None:
    payload = _check("data-build", "data", "build")
    assert payload["tables"]["atop_members"] == 2510


def test_schema_rejects_a_broken_answer() -> None:
    bad = {"datasets": [], "provenance": {"datasets": [], "view": "sideways",
                                          "foedus_version": "1"}}
    assert list(schema_validator("data-list").iter_errors(bad))
