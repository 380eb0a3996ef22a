"""Every example in README.md and docs/*.md runs as documented (issue 20, item 5).

What is extracted (:func:`examples`): every fenced ``python`` block, and every line of a
fenced ``sh``/``bash``/``console``/``shell`` block that calls ``foedus`` (a ``$ `` prompt
and a trailing comment are dropped, ``\\`` continuations joined). Each is one test, named
by its page and line (``docs/crisis.md:14``), so that a failure says where to look.

How each runs:

- a ``python`` block: in a new interpreter, with the test's store (``FOEDUS_HOME`` …), in
  a scratch folder where ``scenarios/`` is the repository's case library; the blocks of a
  page run in order in one namespace (one interpreter per page, run once), each compiled
  under its page and line so that a traceback names them;
- a ``foedus`` line: through the installed command (``.venv/bin/foedus``) by ``bash`` in a
  scratch folder of its own (so ``> file`` and ``--out file`` write there), with a time
  limit; it must exit 0, or the code :data:`EXIT_CODES` documents, with no traceback. A
  line documented on two pages runs once.

The only changes made to an example before it runs are in :data:`SUBSTITUTIONS` (each with
its reason: smaller draws or years where the documented run takes minutes, a fresh home
where the example would rebuild the test's store); they are printed with any failure.
Examples that cannot run here (a web server, a remote Dask cluster, a refit that takes
minutes and overwrites a model, usage synopses with placeholders) are in :data:`PARSE_ONLY`
with their reason: their command line is parsed by the real ``foedus`` command (click's
parser: unknown commands, options or values fail) without running. Lines of shell blocks
that are not ``foedus`` (``make``, ``git``, ``export``, ``dask``) are not examples of the
documented API and are listed by :func:`test_every_shell_line_is_accounted_for`.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL = {"sh", "bash", "console", "shell"}
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`{]*)")
FOEDUS = Path(sys.executable).with_name("foedus")
#: Seconds one example may take (a shell line; a page's python blocks together).
TIMEOUT = 600

#: (page, the text as documented, what runs instead, why). Applied to the example's text
#: by plain replacement; a substitution that no longer matches fails the test.
SUBSTITUTIONS: list[tuple[str, str, str, str]] = [
    ("README.md", "create_dyad_years(1816, 2018)", "create_dyad_years(2000, 2002)",
     "the full dyad-year panel takes 7 s of CPU and 1.9 M rows; the API is the same"),
    ("docs/panels.md", "create_dyad_years(1816, 2018)", "create_dyad_years(2000, 2002)",
     "the full dyad-year panel takes 7 s of CPU and 1.9 M rows; the API is the same"),
    ("docs/getting-started.md", "create_dyad_years(1816, 2018)",
     "create_dyad_years(2000, 2002)",
     "the full dyad-year panel takes 7 s of CPU and 1.9 M rows; the API is the same"),
    ("docs/getting-started.md", "--years 1816-2018", "--years 2000-2002",
     "the full dyad-year panel takes 7 s of CPU and 1.9 M rows; the options are the same"),
    ("docs/reports.md", "foedus report library scenarios --out library.html --draws 5000",
     "foedus report library scenarios --out library.html --draws 500",
     "19 cases: 500 draws each instead of 5,000 (the report is the same page)"),
    ("docs/replications.md", "foedus report replications --out replications.html",
     "foedus report replications olson-zeckhauser-1966 --out replications.html",
     "one study's report (the whole suite runs in `foedus replicate --summary` above, "
     "minutes of CPU each time)"),
    ("docs/reports.md", "foedus report replications --out replications.html",
     "foedus report replications olson-zeckhauser-1966 --out replications.html",
     "one study's report (the whole suite runs in docs/replications.md's "
     "`foedus replicate --summary`)"),
    ("docs/web.md", "foedus data build", "FOEDUS_HOME=$PWD/new-home foedus data build",
     "builds a store of its own rather than rebuilding the one the other tests read"),
]

#: (page, the start of the command line, why it is parsed but not run).
PARSE_ONLY: list[tuple[str, str, str]] = [
    ("docs/web.md", "foedus serve", "serves until stopped: tests/web/test_serve.py starts "
     "it on loopback"),
    ("docs/credibility.md", "foedus credibility fit", "the refit takes minutes of CPU and "
     "writes a model: tests/test_api.py runs `foedus credibility fit`"),
    ("docs/crisis.md", "foedus simulate FILE [", "a usage synopsis (FILE, [options])"),
    ("docs/crisis.md", "foedus sweep FILE ", "a usage synopsis (FILE, [options])"),
    ("docs/crisis.md", "foedus crisis fit [", "a usage synopsis; the fit takes minutes and "
     "writes the shipped parameters"),
    ("docs/crisis.md", "foedus crisis validate [", "a usage synopsis; the validation takes "
     "minutes"),
    ("docs/crisis.md", "foedus simulate scenarios/baltic-estonia-2024.toml --scheduler "
     "tcp://scheduler-host:8786", "needs a Dask scheduler at scheduler-host"),
    ("docs/crisis.md", "foedus sweep scenarios/baltic-estonia-2024.toml --grid "
     "allies.credibility_shift=-1,0,1 --grid allies.solidarity=0,0.3,1 --scheduler",
     "needs a Dask scheduler at scheduler-host"),
]

#: (page, command line) → the exit code the page documents, where it is not 0.
EXIT_CODES: dict[tuple[str, str], int] = {}


@dataclass(frozen=True)
class Example:
    """One example: its page (relative to the repository), first line, kind and text."""

    page: str
    line: int
    kind: str  # "python" or "shell"
    text: str

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"


def _blocks(path: Path) -> list[tuple[int, str, str]]:
    """(first line of the body, language, body dedented) of each fenced block."""
    lines = path.read_text("utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m is None:
            i += 1
            continue
        indent, fence, lang = m.groups()
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                for line in lines[i + 1:j]]
        out.append((i + 2, lang.lower(), "\n".join(body)))
        i = j + 1
    return out


def _shell_lines(first: int, body: str) -> list[tuple[int, str]]:
    """(line, command) of each logical line of a shell block, prompt and comment dropped."""
    out, pending, start = [], "", 0
    for offset, raw in enumerate(body.splitlines()):
        line = raw.rstrip()
        if not pending:
            start = first + offset
            line = line.removeprefix("$ ")
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        text = (pending + line.strip()).strip()
        pending = ""
        text = _drop_comment(text)
        if text:
            out.append((start, text))
    return out


def _drop_comment(text: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` outside quotes, after a space)."""
    quote = None
    for i, ch in enumerate(text):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].rstrip()
    return text


def examples() -> tuple[list[Example], list[tuple[str, str]]]:
    """Every example of the pages, and the shell lines that are not ``foedus`` calls."""
    found, other = [], []
    for path in PAGES:
        page = path.relative_to(REPO).as_posix()
        for first, lang, body in _blocks(path):
            if lang == "python":
                found.append(Example(page, first, "python", body))
            elif lang in SHELL:
                for line, text in _shell_lines(first, body):
                    if text.startswith("foedus ") or text == "foedus":
                        found.append(Example(page, line, "shell", text))
                    else:
                        other.append((f"{page}:{line}", text))
    return found, other


EXAMPLES, OTHER_LINES = examples()


def _substituted(example: Example) -> tuple[str, list[str]]:
    text, used = example.text, []
    for page, old, new, why in SUBSTITUTIONS:
        if page == example.page and old in text:
            text = text.replace(old, new)
            used.append(f"{old!r} -> {new!r} ({why})")
    return text, used


def _parse_only(example: Example) -> str | None:
    for page, start, why in PARSE_ONLY:
        if page == example.page and example.text.startswith(start):
            return why
    return None


def _rules() -> str:
    rows = [f"  {p}: {old!r} -> {new!r}: {why}" for p, old, new, why in SUBSTITUTIONS]
    rows += [f"  {p}: {start!r} parsed only: {why}" for p, start, why in PARSE_ONLY]
    return "the rules of tests/docs/test_examples.py:\n" + "\n".join(rows)


def _scratch(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "scenarios").symlink_to(REPO / "scenarios", target_is_directory=True)
    return work


def _env(cli_env: dict[str, str]) -> dict[str, str]:
    path = f"{FOEDUS.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, **cli_env, "PATH": path, "NO_COLOR": "1", "COLUMNS": "120"}


_PAGE_RUNS: dict[str, dict] = {}
_SHELL_RUNS: dict[str, subprocess.CompletedProcess] = {}

_RUNNER = textwrap.dedent("""
    import json, sys, time, traceback
    blocks = json.load(open(sys.argv[1]))
    namespace = {"__name__": "__main__"}
    results = []
    for block in blocks:
        start = time.process_time()
        try:
            code = compile("\\n" * (block["line"] - 1) + block["text"], block["page"], "exec")
            exec(code, namespace)
        except BaseException:
            results.append({"line": block["line"], "ok": False,
                            "error": traceback.format_exc(limit=-8)})
            break
        results.append({"line": block["line"], "ok": True,
                        "cpu": time.process_time() - start})
    json.dump(results, open(sys.argv[2], "w"))
""")


def _run_page(page: str, cli_env: dict[str, str], tmp_path: Path) -> dict:
    """The python blocks of ``page`` in one interpreter, in order; run once per session."""
    if page not in _PAGE_RUNS:
        work = _scratch(tmp_path)
        blocks = []
        for ex in EXAMPLES:
            if ex.page == page and ex.kind == "python":
                text, used = _substituted(ex)
                blocks.append({"page": page, "line": ex.line, "text": text, "used": used})
        (work / "blocks.json").write_text(json.dumps(blocks))
        start, cpu = time.perf_counter(), _children_cpu()
        proc = subprocess.run([sys.executable, "-c", _RUNNER, "blocks.json", "results.json"],
                              cwd=work, env=_env(cli_env), capture_output=True, text=True,
                              timeout=TIMEOUT, check=False)
        print(f"{page} (python): {time.perf_counter() - start:.1f} s wall, "
              f"{_children_cpu() - cpu:.1f} s CPU")
        results = (json.loads((work / "results.json").read_text())
                   if (work / "results.json").is_file() else [])
        _PAGE_RUNS[page] = {"proc": proc, "seconds": time.perf_counter() - start,
                            "results": {r["line"]: r for r in results},
                            "used": {b["line"]: b["used"] for b in blocks}}
    return _PAGE_RUNS[page]


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes of this one."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _parse(command: str) -> None:
    """Parse ``foedus ARGS`` with the real command's parser, without running it."""
    import click
    import typer.main

    from foedus.cli.main import app

    group = typer.main.get_command(app)
    ctx = group.make_context("foedus", shlex.split(command)[1:])
    cmd = group
    while isinstance(cmd, click.Group):
        rest = [*ctx.protected_args, *ctx.args]
        if not rest:
            break
        name, cmd, rest = cmd.resolve_command(ctx, rest)
        ctx = cmd.make_context(name, rest, parent=ctx)


def _synopsis(text: str) -> str:
    """A usage synopsis as a command line: optional ``[...]`` parts dropped, placeholders
    (FILE, NAME=V1,V2…) given a value of their kind."""
    text = re.sub(r"\s*\[[^\]]*\]", "", text)
    text = text.replace("FILE", "scenarios/baltic-estonia-2024.toml")
    return text


def test_the_pages_have_examples() -> None:
    kinds = {(e.page, e.kind) for e in EXAMPLES}
    assert ("README.md", "python") in kinds and ("docs/crisis.md", "shell") in kinds
    assert len([e for e in EXAMPLES if e.kind == "python"]) >= 7
    assert len([e for e in EXAMPLES if e.kind == "shell"]) >= 30


def test_every_rule_still_matches_an_example() -> None:
    """A rule for an example that was edited away must go too (no stale exemption)."""
    for page, old, _new, _why in SUBSTITUTIONS:
        assert any(e.page == page and old in e.text for e in EXAMPLES), (page, old)
    for page, start, _why in PARSE_ONLY:
        assert any(e.page == page and e.text.startswith(start) for e in EXAMPLES), \
            (page, start)


def test_every_shell_line_is_accounted_for() -> None:
    """The shell lines that are not ``foedus`` calls (set-up, builds, Dask's own
    commands): listed here so that a new one is seen."""
    listed = {text.split()[0] for _where, text in OTHER_LINES}
    assert listed <= {"make", "git", "export", "dask"}, OTHER_LINES
    print("\n".join(f"{where}: {text} (not a foedus call: not run)"
                    for where, text in OTHER_LINES))


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_example_runs_as_documented(example: Example, cli_env: dict[str, str],
                                    tmp_path: Path) -> None:
    why = _parse_only(example)
    if example.kind == "python":
        run = _run_page(example.page, cli_env, tmp_path)
        result = run["results"].get(example.line)
        assert result is not None and result["ok"], (
            f"{example.name} failed (substitutions: {run['used'].get(example.line)})\n"
            f"{(result or {}).get('error') or run['proc'].stderr[-3000:]}\n{_rules()}")
        return
    if why is not None:
        command = _synopsis(example.text) if "[" in example.text else example.text
        try:
            _parse(command)
        except Exception as exc:  # a click usage error, or no such command
            raise AssertionError(f"{example.name}: {example.text!r} does not parse as a "
                                 f"foedus command line ({exc})\n{_rules()}") from None
        return
    text, used = _substituted(example)
    if text not in _SHELL_RUNS:  # a line on two pages (the replications report) runs once
        start, cpu = time.perf_counter(), _children_cpu()
        try:
            _SHELL_RUNS[text] = subprocess.run(
                ["bash", "-c", text], cwd=_scratch(tmp_path), env=_env(cli_env),
                capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{example.name}: {text!r} ran over {TIMEOUT} s\n"
                                 f"{_rules()}") from None
        print(f"{example.name}: {time.perf_counter() - start:.1f} s wall, "
              f"{_children_cpu() - cpu:.1f} s CPU: {text}")
    proc = _SHELL_RUNS[text]
    expected = EXIT_CODES.get((example.page, example.text), 0)
    assert proc.returncode == expected, (
        f"{example.name}: {text!r} exited {proc.returncode}, documented {expected} "
        f"(substitutions: {used})\nstderr: {proc.stderr[-3000:]}\n{_rules()}")
    assert "Traceback" not in proc.stderr, proc.stderr
