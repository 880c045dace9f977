"""Benchmark `dj batch` against the FLOOR (merely parsing the same files in one process).

Not a test: run it by hand on a quiet machine and copy the numbers into docs/performance.md.

    python benchmarks/bench_batch.py                 # N = 1,000 and 250, 3 runs each, jobs 1 and 2
    python benchmarks/bench_batch.py --runs 5 --n 2000 --small 500

What it does:

1. generates N synthetic Excel branches with ``dangjian_cli.synth`` (and a second tree with the first M of
   them) under ``benchmarks/out/`` (git-ignored), once: a tree is reused while its parameters match;
2. FLOOR: a fresh ``python`` that parses every ``.xlsx`` with python-calamine
   (``CalamineWorkbook.from_path(p).get_sheet_by_index(0).to_python()``) and every ``.yaml`` with
   ``yaml.load(..., Loader=yaml.CSafeLoader)``, one process, nothing else;
3. ``dj batch TREE --jobs J --no-progress > /dev/null`` for J = 1 and 2 (and the full-report mode
   ``-f json -o 统计表.xlsx`` at J = 2), each the median of ``--runs`` runs, wall clock;
4. memory: the peak RSS of the largest single process (``wait4`` rusage of the run, which covers its reaped
   descendants: the forkserver and workers) and the peak of the summed RSS of the whole process tree
   (``/proc`` sampled every 100 ms), for N and M — flat means the two are about the same;
5. ``dj --help`` start-up: median of 10.

Prints a table and writes ``benchmarks/out/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
DJ = str(Path(PYTHON).with_name("dj"))
WINDOW = ["--year", "2025", "--as-of", "2025-12-31"]

FLOOR_CODE = r"""
import os, sys, time, yaml
from python_calamine import CalamineWorkbook
start = time.perf_counter()
files = 0
for top, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(names):
        path = os.path.join(top, name)
        if name.endswith(".xlsx"):
            CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        elif name.endswith((".yaml", ".yml")):
            with open(path, encoding="utf-8") as handle:
                yaml.load(handle, Loader=yaml.CSafeLoader)
        else:
            continue
        files += 1
print(files, time.perf_counter() - start)
"""


# ─── data ──────────────────────────────────────────────────────────────────────────────────────────────


def tree(n: int, seed: int = 0, gap_rate: float = 0.1) -> Path:
    """benchmarks/out/tree-N: N synth branches (xlsx), generated once and reused."""
    root = OUT / f"tree-{n}"
    stamp = root / ".params.json"
    params = {"n": n, "seed": seed, "gap_rate": gap_rate, "years": [2025], "format": "xlsx"}
    if stamp.is_file() and json.loads(stamp.read_text()) == params:
        return root
    import shutil

    from dangjian_cli.synth import generate

    if root.exists():
        shutil.rmtree(root)
    started = time.perf_counter()
    generate(root, n, seed=seed, fmt="xlsx", random_gap_rate=gap_rate, years=(2025,))
    stamp.write_text(json.dumps(params))
    print(f"  generated {n} branches in {time.perf_counter() - started:.1f} s → {root}", file=sys.stderr)
    return root


# ─── measuring ─────────────────────────────────────────────────────────────────────────────────────────


def _tree_rss_kib(pid: int) -> int:
    """Summed VmRSS of pid and all its descendants (Linux /proc; children lists, so it stays cheap)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def timed(cmd: list[str], sample: bool = False) -> dict:
    """Wall time, peak RSS of the largest process, and (sampled) peak RSS of the whole tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sampler():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            except Exception:
                pass
            done.wait(0.1)

    thread = threading.Thread(target=sampler, daemon=True) if sample and os.path.isdir("/proc") else None
    if thread:
        thread.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    if thread:
        thread.join()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "maxrss_mib": usage.ru_maxrss / 1024, "tree_peak_mib": peak[0] / 1024 if thread else None,
            "user": usage.ru_utime, "sys": usage.ru_stime, "exit": code, "stderr": stderr[-500:]}


def median_of(runs: int, cmd: list[str], sample: bool = True, label: str = "") -> dict:
    samples = []
    for n in range(runs):
        one = timed(cmd, sample=sample)
        samples.append(one)
        print(f"  {label} run {n + 1}/{runs}: {one['wall']:.2f} s, rss {one['maxrss_mib']:.0f} MiB"
              + (f", tree {one['tree_peak_mib']:.0f} MiB" if one["tree_peak_mib"] else "")
              + f", load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    walls = [s["wall"] for s in samples]
    return {"median": statistics.median(walls), "runs": walls,
            "maxrss_mib": statistics.median(s["maxrss_mib"] for s in samples),
            "tree_peak_mib": statistics.median(s["tree_peak_mib"] for s in samples) if samples[0]["tree_peak_mib"] else None,
            "exit": sorted({s["exit"] for s in samples}), "stderr": samples[-1]["stderr"]}


SPIN = 20_000_000


def _spin(n: int = SPIN) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - started


def calibrate(runs: int = 3) -> dict:
    """What this machine gives two CPU-bound processes right now: the ceiling for a 1→2 worker speed-up
    (a shared or throttled machine gives less than 2×)."""
    import multiprocessing as mp

    ratios = []
    with mp.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])
        for _ in range(runs):
            one = _spin()
            started = time.perf_counter()
            pool.map(_spin, [SPIN, SPIN])
            ratios.append(2 * one / (time.perf_counter() - started))
    return {"speedup_ceiling": statistics.median(ratios), "runs": ratios, "load": os.getloadavg()}


def utilization(root: Path, jobs: int) -> dict:
    """The pool alone, in this process: wall time, the workers' own time per branch, and how busy they were
    (sum of per-branch seconds ÷ (jobs × wall)): 1.0 means the pool never lets a worker wait."""
    from dangjian_cli import batch, rubric
    from dangjian_cli.options import window_from_options

    tasks = batch.discover(root)
    config = batch.WorkerConfig(rubric=rubric.load(None), window=window_from_options(2025, None, None, "2025-12-31"))
    seconds: list[float] = []
    started = time.perf_counter()
    batch.Pool(config, jobs, lambda o: seconds.append(o["seconds"])).run(tasks)
    wall = time.perf_counter() - started
    return {"jobs": jobs, "wall": wall, "busy": sum(seconds) / (jobs * wall),
            "per_branch_ms": statistics.median(seconds) * 1000, "load": os.getloadavg()}


def machine() -> dict:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem = None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    from importlib.metadata import version

    return {"cpu": model, "cpus": cpus, "mem_mib": mem, "os": platform.platform(), "python": platform.python_version(),
            "versions": {p: version(p) for p in ("python-calamine", "PyYAML", "openpyxl", "pydantic", "typer", "rich")}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--small", type=int, default=250, help="the smaller N for the memory-flatness check")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-full", action="store_true", help="skip the full-report run (-f json -o 统计表.xlsx)")
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    big, small = tree(args.n), tree(args.small)
    info = {"machine": machine(), "n": args.n, "small": args.small, "runs": args.runs,
            "load_before": os.getloadavg()}
    print(f"machine: {info['machine']}", file=sys.stderr)

    info["calibration_before"] = calibrate()
    print(f"  calibration: two spinning processes get {info['calibration_before']['speedup_ceiling']:.2f}× "
          f"(load {os.getloadavg()[0]:.2f})", file=sys.stderr)
    info["help"] = median_of(10, [DJ, "--help"], sample=False, label="dj --help")
    # the configurations are run round-robin (run 1 of each, then run 2 of each …), so that a burst of
    # load from elsewhere hits them alike rather than one configuration's runs
    configs: list[tuple[str, str, list[str], bool]] = []
    for root in (big, small):
        configs.append(("floor", root.name, [PYTHON, "-c", FLOOR_CODE, str(root)], False))
        for jobs in args.jobs:
            configs.append(("batch", f"{root.name} jobs={jobs}",
                            [DJ, "batch", str(root), *WINDOW, "--jobs", str(jobs), "--no-progress"], True))
    if not args.no_full:
        report = OUT / "统计表.xlsx"
        configs.append(("batch", f"{big.name} jobs={max(args.jobs)} full",
                        [DJ, "batch", str(big), *WINDOW, "--jobs", str(max(args.jobs)), "--no-progress", "-f", "json",
                         "-o", str(report)], True))
    samples: dict[str, list[dict]] = {label: [] for _, label, _, _ in configs}
    for n in range(args.runs):
        for _, label, cmd, sample in configs:
            one = timed(cmd, sample=sample)
            samples[label].append(one)
            print(f"  {label} run {n + 1}/{args.runs}: {one['wall']:.2f} s, rss {one['maxrss_mib']:.0f} MiB"
                  + (f", tree {one['tree_peak_mib']:.0f} MiB" if one["tree_peak_mib"] else "")
                  + f", load {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = {"floor": {}, "batch": {}}
    for kind, label, cmd, _ in configs:
        got = samples[label]
        walls = [s["wall"] for s in got]
        entry = {"median": statistics.median(walls), "runs": walls,
                 "maxrss_mib": statistics.median(s["maxrss_mib"] for s in got),
                 "tree_peak_mib": statistics.median(s["tree_peak_mib"] for s in got) if got[0]["tree_peak_mib"] else None,
                 "exit": sorted({s["exit"] for s in got}), "stderr": got[-1]["stderr"]}
        if kind == "floor":
            inner = subprocess.run(cmd, capture_output=True, text=True, check=True)
            files, seconds = inner.stdout.split()
            entry.update(files=int(files), inner_seconds=float(seconds))
        results[kind][label] = entry
    info["results"] = results
    info["utilization"] = [utilization(big, jobs) for jobs in args.jobs]
    info["calibration_after"] = calibrate()
    info["load_after"] = os.getloadavg()

    # summary
    f_big = results["floor"][big.name]["median"]
    lines = [f"dj --help: median {info['help']['median']:.3f} s (10 runs)",
             f"floor {big.name}: {f_big:.2f} s ({results['floor'][big.name]['files']} files, "
             f"{args.n / f_big:.0f} branches/s)"]
    for key, r in results["batch"].items():
        n = args.n if key.startswith(big.name) else args.small
        f = results["floor"][big.name if key.startswith(big.name) else small.name]["median"]
        lines.append(f"{key}: median {r['median']:.2f} s of {[round(x, 2) for x in r['runs']]}, "
                     f"{n / r['median']:.1f} branches/s, {r['median'] / f:.2f}× floor, "
                     f"largest process {r['maxrss_mib']:.0f} MiB, tree peak {r['tree_peak_mib'] or 0:.0f} MiB, "
                     f"exit {r['exit']}")
    one, two = results["batch"].get(f"{big.name} jobs=1"), results["batch"].get(f"{big.name} jobs=2")
    if one and two:
        lines.append(f"speed-up 1→2 workers (N={args.n}): {one['median'] / two['median']:.2f}×")
    s1 = results["batch"].get(f"{small.name} jobs=1")
    if one and s1:
        lines.append(f"memory N={args.small} vs N={args.n} (jobs=1): largest process {s1['maxrss_mib']:.0f} vs "
                     f"{one['maxrss_mib']:.0f} MiB, tree {s1['tree_peak_mib'] or 0:.0f} vs {one['tree_peak_mib'] or 0:.0f} MiB")
    for u in info["utilization"]:
        lines.append(f"pool alone, jobs={u['jobs']}: {u['wall']:.2f} s, workers busy {u['busy']:.0%}, "
                     f"{u['per_branch_ms']:.1f} ms per branch (worker time)")
    lines.append(f"machine ceiling for 2 processes: {info['calibration_before']['speedup_ceiling']:.2f}× before, "
                 f"{info['calibration_after']['speedup_ceiling']:.2f}× after; load {info['load_before'][0]:.2f} → "
                 f"{info['load_after'][0]:.2f}")
    info["summary"] = lines
    (OUT / "results.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
