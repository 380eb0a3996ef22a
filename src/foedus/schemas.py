"""The JSON Schemas of the typed answers, generated from their models.

``python -m foedus.schemas [FOLDER]`` writes each answer's schema to
``FOLDER/<name>.schema.json`` (default ``docs/schemas``); ``tests/test_schemas_generated.py``
fails when a committed schema differs from the generated one. The schemas not listed here
(borders, crisis-fit, crisis-validate) are still written by hand.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["SCHEMAS", "generate", "render", "write"]

#: name → (model, title): the answers whose schemas are generated.
SCHEMAS: dict[str, tuple[str, str]] = {
    "provenance": ("foedus.provenance:Provenance", "provenance (DESIGN §7)"),
    "obligations": ("foedus.query.answer:ObligationsAnswer", "foedus obligations --json"),
    "burden": ("foedus.burden.answer:BurdenAnswer", "foedus burden --json"),
    "panel": ("foedus.panels.answer:PanelAnswer", "foedus panel dyad-years|state-years --json"),
    "summary": ("foedus.data.answers:SummaryAnswer", "foedus summary --json"),
    "data-list": ("foedus.data.answers:DatasetsAnswer", "foedus data list --json"),
    "data-cite": ("foedus.data.answers:CiteAnswer", "foedus data cite NAME --json"),
    "data-pull": ("foedus.data.answers:PullAnswer", "foedus data pull --json"),
    "data-build": ("foedus.data.answers:BuildAnswer", "foedus data build --json"),
    "data-status": ("foedus.data.answers:StatusAnswer", "foedus data status --json"),
    "replicate": ("foedus.replications.base:Replication", "foedus replicate NAME --json"),
    "replicate-list": ("foedus.replications.base:StudyList", "foedus replicate --list --json"),
    "credibility": ("foedus.credibility.answer:CredibilityAnswer", "foedus credibility --json"),
    "reliability": ("foedus.reliability.answer:ReliabilityAnswer", "foedus reliability --json"),
    "reliability-cases": ("foedus.reliability.answer:CasesAnswer",
                          "foedus reliability --cases --json"),
    "book-check": ("foedus.data.book_check:BookCheckAnswer", "foedus book check FILE --json"),
    "crisis-evidence": ("foedus.crisis.evidence:Evidence", "the crisis engine's out-of-sample "
                        "evidence (`evidence` in foedus simulate and library --json)"),
    "simulate": ("foedus.crisis.answer:SimulateAnswer", "foedus simulate --json"),
    "sweep": ("foedus.crisis.answer:SweepAnswer", "foedus sweep --json"),
    "library": ("foedus.crisis.answer:LibraryAnswer", "foedus library --json"),
    "compare": ("foedus.counterfactual.answer:CompareAnswer", "foedus compare --json"),
    "credibility-fit": ("foedus.credibility.refit:CredibilityFitAnswer",
                        "foedus credibility fit --json"),
    "report": ("foedus.report.answer:ReportAnswer", "foedus report scenario|compare|library|"
               "burden|replications --json"),
}


def _model(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema of the answer called ``name``."""
    ref, title = SCHEMAS[name]
    return _model(ref).json_schema(name, title)


def render(name: str) -> str:
    """The schema as it is committed: indented JSON with a final newline."""
    return json.dumps(generate(name), indent=2, ensure_ascii=False) + "\n"


def write(folder: Path) -> list[Path]:
    """Write every generated schema into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(render(name), "utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":  # pragma: no cover - a developer's command
    for written in write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(written)
