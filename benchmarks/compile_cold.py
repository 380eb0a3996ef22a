"""One cold compile of Russia attacks Estonia, 2024, in this process (issue 17, item 2).

Clears the compile cache (``$FOEDUS_CACHE/compiled``), loads the scenario and compiles it
(``foedus.crisis.compile.compile_scenario``, which stores the result in the cache again);
prints the CPU seconds of the compile call and of the whole process. With ``--reference``,
the pledge features are computed by the code before issue 17
(``benchmarks/features_reference.py``: a pandas lookup per row), so that
``benchmarks/speed.py`` times before and now in the same run. Usage:
``python benchmarks/compile_cold.py [--reference]`` with a built store.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ESTONIA = HERE.parent / "scenarios" / "baltic-estonia-2024.toml"


def main() -> None:
    from foedus import config
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.scenario import load_scenario

    shutil.rmtree(Path(config.cache_dir()) / "compiled", ignore_errors=True)
    if "--reference" in sys.argv[1:]:
        import foedus.credibility

        spec = importlib.util.spec_from_file_location(
            "features_reference", HERE / "features_reference.py")
        reference = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(reference)
        foedus.credibility.pledge_features = reference.pledge_features
    scenario, attacks = load_scenario(ESTONIA)
    start = time.process_time()
    compile_scenario(scenario, attacks)
    print(f"compile {time.process_time() - start:.2f} s CPU; process "
          f"{time.process_time():.2f} s CPU")


if __name__ == "__main__":
    main()
