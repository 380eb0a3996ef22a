"""Benchmark: the three studies of the replication suite's dyadic work, each in a new process.

Runs ``foedus replicate NAME --json`` for ``leeds-2003`` (1816-1944), ``johnson-leeds-2011``
(1816-2000) and ``olson-zeckhauser-1966``, and prints per study the wall time, the child's
peak resident memory (the study's own ``peak_memory_mb``), the directed dyad-years built
and used, and the alliance terms with both standard errors. The full Johnson & Leeds
study is too slow for CI's unit tests (about 40 s here, alone), so its numbers come from
this script.

Usage: ``python benchmarks/dyadic_studies.py [--studies leeds-2003,...]`` (FOEDUS_DATA_MIRROR
and a built store, as ``make bench`` provides).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

STUDIES = ("leeds-2003", "johnson-leeds-2011", "olson-zeckhauser-1966")


def run(name: str) -> dict:
    """One study in a fresh interpreter: its JSON and wall seconds (the JSON carries the
    process's peak resident memory, ``peak_memory_mb``)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", "from foedus.cli.main import run; run()",
                             "replicate", name, "--json"], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{name} failed: {result.stderr.strip()}")
    return {"body": json.loads(result.stdout), "wall": time.perf_counter() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", default=",".join(STUDIES))
    args = parser.parse_args()
    for name in args.studies.split(","):
        out = run(name)
        body = out["body"]
        print(f"{name}: {out['wall']:.1f} s wall, peak {body['peak_memory_mb']:.0f} MB "
              f"(the study's own clock: {body['seconds']:.1f} s)")
        sample = {r["item"]: r["value"] for r in body["tables"].get("sample", [])}
        if sample:
            print(f"  directed dyad-years built {sample['directed dyad-years']:,}, in the "
                  f"model {sample['directed dyad-years in the model']:,}, initiations "
                  f"{sample['initiations in the model']:,}")
            for r in body["tables"]["coefficients"]:
                if r["published_sign"] is not None and r["coefficient"] is not None:
                    print(f"  {r['term']:10s} {r['coefficient']:+.3f}  se dyad "
                          f"{r['se_dyad_clustered']:.3f} (z {r['z_dyad_clustered']:+.2f})  "
                          f"se dyadic {r['se_dyadic']:.3f} (z {r['z_dyadic']:+.2f})")
        print(f"  {body['summary']}")


if __name__ == "__main__":
    main()
