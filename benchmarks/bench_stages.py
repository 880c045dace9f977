"""Where one branch's time goes, stage by stage, in one process — next to the parse floor of the same files.

Not a test. Use it to A/B a change to the loader, the rules or the reports:

    python benchmarks/bench_stages.py                  # first 200 branches of benchmarks/out/tree-1000
    python benchmarks/bench_stages.py --n 100 --runs 7 --tree benchmarks/out/tree-250

Each stage is timed over the same N branches, ``--runs`` times, and the median is printed in ms per branch.
Times are process CPU time (``time.process_time``), which a second busy process on the machine disturbs
far less than wall time; the files are read once before timing so the page cache is warm for every stage.

Stages (each includes the ones above it only where said):
  floor      python-calamine ``from_path(...).get_sheet_by_index(0).to_python()`` per .xlsx and
             ``yaml.load(CSafeLoader)`` per .yaml — the parse floor of bench_batch.py
  xlsx       dj's guarded reader ``read_first_sheet`` on every .xlsx (guard + calamine + cell conversion)
  load       ``ledger.load`` (xlsx + yaml + rows + records + evidence)
  evaluate   ``engine.evaluate`` on already-loaded ledgers
  to_dict    ``Result.to_dict`` on already-made results
  worker     what one ``dj batch`` worker does per branch (load + evaluate + outcome), ``batch.Scorer.score``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=HERE / "out" / "tree-1000")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, help="stages to run (default: all)")
    args = parser.parse_args()

    if not args.tree.is_dir():
        sys.exit(f"no tree at {args.tree}: run benchmarks/bench_batch.py once (it generates it), or "
                 f"python -m dangjian_cli.synth {args.tree} -n 1000 --format xlsx --years 2025")

    import yaml
    from python_calamine import CalamineWorkbook

    from dangjian_cli import batch, engine, ledger
    from dangjian_cli import rubric as rubric_module
    from dangjian_cli.ledger.xlsx_source import read_first_sheet
    from dangjian_cli.options import window_from_options

    tasks = batch.discover(args.tree)[: args.n]
    n = len(tasks)
    files = [os.path.join(t.folder, name) for t in tasks for name in sorted(os.listdir(t.folder))]
    xlsx = [p for p in files if p.endswith(".xlsx")]
    yamls = [p for p in files if p.endswith((".yaml", ".yml"))]
    for p in xlsx + yamls:
        with open(p, "rb") as handle:
            handle.read()

    rubric = rubric_module.load(None)
    window = window_from_options(2025, None, None, "2025-12-31")
    scorer = batch.Scorer(batch.WorkerConfig(rubric=rubric, window=window))
    results = [engine.evaluate(rubric, ledger.load(t.folder), window) for t in tasks]
    fresh: list = []  # ledgers loaded anew before each timed evaluate run: no per-ledger cache is warm

    def floor():
        for p in xlsx:
            CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()
        for p in yamls:
            with open(p, encoding="utf-8") as handle:
                yaml.load(handle, Loader=yaml.CSafeLoader)

    def read_xlsx():
        for p in xlsx:
            read_first_sheet(Path(p), os.path.basename(p))

    def load():
        for t in tasks:
            ledger.load(t.folder)

    def evaluate():
        for lg in fresh:
            engine.evaluate(rubric, lg, window)

    def to_dict():
        for r in results:
            r.to_dict()

    def worker():
        for t in tasks:
            scorer.score(t)

    stages = {"floor": floor, "xlsx": read_xlsx, "load": load, "evaluate": evaluate, "to_dict": to_dict,
              "worker": worker}
    chosen = args.only or list(stages)
    print(f"{n} branches ({len(xlsx)} xlsx, {len(yamls)} yaml) from {args.tree}; median of {args.runs} runs, "
          "CPU ms per branch")
    medians = {}
    for name in chosen:
        samples = []
        for run in range(args.runs + 1):  # run 0 warms up
            if name == "evaluate":
                fresh[:] = [ledger.load(t.folder) for t in tasks]
            started = time.process_time()
            stages[name]()
            if run:
                samples.append((time.process_time() - started) * 1000 / n)
        medians[name] = statistics.median(samples)
        print(f"  {name:9s} {medians[name]:7.2f}   runs: {' '.join(f'{s:.2f}' for s in samples)}")
    if "floor" in medians and "worker" in medians:
        print(f"  worker / floor = {medians['worker'] / medians['floor']:.2f}×")


if __name__ == "__main__":
    main()
