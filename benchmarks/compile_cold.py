"""One cold compile of Russia attacks Estonia, 2024, in this process (issue 17, item 2).

Clears the compile cache (``$FOEDUS_CACHE/compiled``), loads the scenario and compiles it
(``foedus.crisis.compile.compile_scenario``, which stores the result in the cache again);
prints the CPU seconds of the compile call and of the whole process. With ``--reference``,
the code before issue 17: the pledge features of ``benchmarks/features_reference.py`` (a
pandas lookup per row, in place of the compile's ``pledge_feature_columns``) and the
closure of obligations asking the obligations query as it was
(``benchmarks/obligations_reference.py``) once per state, each time on a snapshot of its
own; ``--reference-closure`` swaps in only the latter (the closure before and after its
shared snapshot). ``benchmarks/speed.py`` times before and now in the same run. With
``--profile``, the compile call runs under :mod:`cProfile` on CPU time and the 30 foedus
functions with the most cumulative time are printed after the timings (which then include
the profiler's overhead). Usage: ``python benchmarks/compile_cold.py [--reference |
--reference-closure] [--profile]`` with a built store.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ESTONIA = HERE.parent / "scenarios" / "baltic-estonia-2024.toml"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _per_query_closure() -> None:
    """Make the compile ask the obligations query as it was, once per state."""
    query = importlib.import_module("foedus.query.obligations")
    reference = _load("obligations_reference")

    class PerQuery:
        def __init__(self, system, as_of, view) -> None:
            self.system, self.as_of, self.view = system, as_of, view

        def ask(self, *, not_in_force: bool = True, **kwargs):
            # the reference answers every treaty of the target (not_in_force=True)
            return reference.obligations(self.system, as_of=self.as_of, view=self.view,
                                         **kwargs)

    query.Asker = PerQuery


def main() -> None:
    from foedus import config
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.scenario import load_scenario

    shutil.rmtree(Path(config.cache_dir()) / "compiled", ignore_errors=True)
    if {"--reference", "--reference-closure"} & set(sys.argv[1:]):
        _per_query_closure()
    if "--reference" in sys.argv[1:]:
        import foedus.credibility.features

        spec = importlib.util.spec_from_file_location(
            "features_reference", HERE / "features_reference.py")
        reference = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(reference)

        def columns(rows, system=None):  # the compile's call, answered by the reference
            import pandas as pd

            frame = reference.pledge_features(pd.DataFrame([vars(r) for r in rows]), system)
            return {c: frame[c].to_numpy() for c in frame.columns}

        foedus.credibility.features.pledge_feature_columns = columns
    scenario, attacks = load_scenario(ESTONIA)
    profile = None
    if "--profile" in sys.argv[1:]:
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
    start = time.process_time()
    compile_scenario(scenario, attacks)
    took = time.process_time() - start
    if profile is not None:
        profile.disable()
    print(f"compile {took:.2f} s CPU; process {time.process_time():.2f} s CPU")
    if profile is not None:
        import pstats

        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(
            "foedus", 30)


if __name__ == "__main__":
    main()
