"""`dj batch`: score every branch folder under a root, in parallel worker processes, and report them together.

Layout of the work:

* :func:`discover` finds the branch folders (any depth; a folder holding ``branch.yaml`` or ``branch.yml``),
  sorted by relative path; :func:`select_shard` keeps the K-th of N deterministic slices (round-robin over
  that order), so N CI jobs or Slurm array tasks split a tree exactly;
* :class:`Pool` runs the folders in worker processes. Each worker receives the rubric and window once, is fed
  small chunks of folders, and answers one small plain dict per folder (an *outcome*), never the big result
  objects. A worker that dies outright (``os._exit``, a signal, a crash in a C extension) is replaced; the
  folder it was working on is retried once on its own, and if it kills a worker again it becomes an error
  entry. Every other folder is still scored;
* :func:`run_batch` wires options → discovery → pool → reports (render/batch_report.py,
  render/statistics_xlsx.py) → exit code; :func:`run_merge` turns shard JSON outputs into the same reports.

This module is imported only when `dj batch` runs (the CLI's start-up stays light); the worker side imports
the ledger, engine and renderers it needs inside its functions.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import sys
import time
from pathlib import Path, PurePath
from typing import Callable, Iterable

from dangjian_cli.errors import UsageError

BRANCH_FILES = ("branch.yaml", "branch.yml")
SKIP_IN_BRANCH = frozenset({"evidence"})  # a branch's evidence tree holds no branches: not walked
MAX_ATTEMPTS = 2  # a folder whose worker died is retried once, alone; the second death makes it an error
MAX_START_FAILURES = 3
FAULT_ENV = "DJ_BATCH_FAULT"  # test hook: "exit:REL" / "kill:REL" make the worker die on that folder

# What the fork server imports once for all workers, so that no worker imports anything: the readers the
# loader imports on first use (YAML, calamine), and the CLI module, because multiprocessing re-runs the
# parent's main script (`dj` → `from dangjian_cli.cli import main`) in every new worker.
PRELOAD = ["dangjian_cli.batch", "dangjian_cli.engine", "dangjian_cli.ledger", "dangjian_cli.ledger.yaml_source",
           "python_calamine", "dangjian_cli.rubric", "dangjian_cli.render.json_report",
           "dangjian_cli.render.statistics_xlsx", "dangjian_cli.cli"]


# ─── discovery and shards ──────────────────────────────────────────────────────────────────────────────


@dataclasses.dataclass(frozen=True)
class Task:
    index: int  # position in the (unsharded) sorted order
    rel: str  # path relative to the root, POSIX ("." = the root itself)
    folder: str  # the path handed to ledger.load: the root as the user spelled it, joined with rel


def is_branch_dir(path: Path) -> bool:
    return any(os.path.isfile(os.path.join(path, name)) for name in BRANCH_FILES)


def order_key(rel: str) -> tuple:
    """The one sort order of branch folders: by path components (stable on every machine)."""
    return tuple(PurePath(rel).parts) if rel != "." else ()


def discover(root: Path) -> list[Task]:
    """Every branch folder under ``root`` (root included), sorted by relative path.

    Hidden folders (``.git`` …) are skipped, so is the ``evidence`` tree inside a branch folder; other
    sub-folders of a branch are walked (a 党委's folder may hold its 党支部 folders). Symbolic links to
    folders are followed once (a link cycle is walked no further)."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root} 不是一个文件夹（应为存放各支部台账文件夹的根文件夹）")
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def walk(path: str, rel: tuple[str, ...]) -> None:
        try:
            st = os.stat(path)
        except OSError:
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:
            return
        names = {e.name for e in entries}
        branch = any(name in names and os.path.isfile(os.path.join(path, name)) for name in BRANCH_FILES)
        if branch:
            found.append("/".join(rel) if rel else ".")
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if branch and entry.name in SKIP_IN_BRANCH:
                continue
            try:
                if not entry.is_dir():
                    continue
            except OSError:
                continue
            walk(entry.path, (*rel, entry.name))

    walk(str(root), ())
    found.sort(key=order_key)
    return [Task(index=n, rel=rel, folder=str(root if rel == "." else root / rel)) for n, rel in enumerate(found)]


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """``K/N`` (1 ≤ K ≤ N) → (K, N)."""
    if text is None:
        return None
    parts = str(text).strip().split("/")
    try:
        k, n = (int(p) for p in parts)
    except ValueError:
        k = n = 0
    if len(parts) != 2 or not 1 <= k <= n:
        raise UsageError(f"--shard {text}：应为 K/N，1 ≤ K ≤ N（如 --shard 2/8 表示共 8 份中的第 2 份）")
    return k, n


def select_shard(tasks: list[Task], shard: tuple[int, int] | None) -> list[Task]:
    """The K-th of N slices: round-robin over the sorted order (sizes differ by at most one)."""
    if shard is None:
        return tasks
    k, n = shard
    return [t for t in tasks if t.index % n == k - 1]


def report_stem(task: Task, root: Path) -> str:
    """Where a branch's own reports go under --out-dir: its relative path (the root's name for the root)."""
    if task.rel == ".":
        return Path(os.path.realpath(root)).name or "branch"
    return task.rel


# ─── output locations: never inside a branch folder ────────────────────────────────────────────────────


def branch_ancestors(path: Path) -> list[Path]:
    """The branch folders that contain ``path`` (after resolving links), nearest first."""
    real = Path(os.path.realpath(path))
    return [p for p in (real, *real.parents) if is_branch_dir(p)]


def check_report_path(output: Path) -> None:
    from dangjian_cli.options import check_output_path

    check_output_path(output, branch_ancestors(output))


def check_out_dir(out_dir: Path, tasks: Iterable[Task], root: Path) -> None:
    inside = branch_ancestors(out_dir)
    if inside:
        raise UsageError(f"--out-dir {out_dir}：不能把报告写进支部台账文件夹（{inside[0]}），请换一个位置")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out-dir {out_dir} 不是文件夹")
    real = Path(os.path.realpath(out_dir))
    checked: set[Path] = set()
    for task in tasks:
        parent = (real / report_stem(task, root)).parent
        while parent != real and parent not in checked:
            checked.add(parent)
            if is_branch_dir(parent):
                raise UsageError(f"--out-dir {out_dir}：{task.rel} 的报告会写进支部台账文件夹（{parent}），请换一个位置")
            parent = parent.parent


# ─── outcomes: the small plain dict a worker answers per folder ────────────────────────────────────────


def outcome_from_score(data: dict, top: int = 5) -> dict:
    """What the reports need of one score JSON (the worker and the merge step both use this)."""
    from dangjian_cli.masking import redact

    gaps = []
    for ind in data.get("indicators") or ():
        for f in ind.get("findings") or ():
            if f.get("kind") == "gap":
                gaps.append((f.get("points") or 0, ind.get("id"), f.get("message") or ""))
    gaps.sort(key=lambda g: -g[0])  # stable: indicator order among equals
    branch = data.get("branch") or {}
    return {
        "name": redact(str(branch.get("name") or "")), "path": branch.get("path"), "error": None, "kind": None,
        "total": data.get("total"), "max": data.get("max"), "percent": data.get("percent"),
        "rating": data.get("rating"), "five_star": bool(data.get("five_star")),
        "vetoed_by": list(data.get("vetoed_by") or ()), "gap_count": len(gaps),
        "lost": round(sum(g[0] for g in gaps), 2),
        "top_gaps": [[ind, redact(msg), pts] for pts, ind, msg in gaps[:top]],
    }


def outcome_from_result(result, top: int = 5) -> dict:
    """outcome_from_score(result.to_dict()), without building the whole score JSON (the table needs little)."""
    from dangjian_cli.masking import redact
    from dangjian_cli.result import number

    gaps = []
    for ind in result.indicators:
        for f in ind.findings:
            if f.kind == "gap":
                gaps.append((number(ind.finding_points(f)) or 0, ind.id, f.message or ""))
    gaps.sort(key=lambda g: -g[0])
    branch = result.branch or {}
    return {
        "name": redact(str(branch.get("name") or "")), "path": branch.get("path"), "error": None, "kind": None,
        "total": number(result.total), "max": number(result.max), "percent": number(result.percent),
        "rating": result.rating, "five_star": bool(result.five_star),
        "vetoed_by": list(result.vetoed_by or ()), "gap_count": len(gaps),
        "lost": round(sum(g[0] for g in gaps), 2),
        "top_gaps": [[ind, redact(msg), pts] for pts, ind, msg in gaps[:top]],
    }


def error_outcome(path: str, message: str, kind: str, name: str | None = None) -> dict:
    return {"name": name, "path": path, "error": message, "kind": kind, "total": None, "max": None,
            "percent": None, "rating": None, "five_star": False, "vetoed_by": [], "gap_count": 0, "lost": 0,
            "top_gaps": []}


def error_entry(outcome: dict) -> dict:
    """The branch entry of the batch JSON for a folder that could not be scored."""
    entry = {"path": outcome["path"], "error": outcome["error"], "kind": outcome["kind"]}
    if outcome.get("name"):
        entry["name"] = outcome["name"]
    return entry


def _branch_name(folder: str) -> str | None:
    """The 党组织名称 of a broken folder, if its branch.yaml can still be read (with the loader's limits)."""
    from dangjian_cli.errors import InputErrors
    from dangjian_cli.ledger.yaml_source import YamlMap, read_yaml

    for name in BRANCH_FILES:
        path = Path(folder) / name
        if path.is_file():
            try:
                data = read_yaml(path, name)
            except InputErrors:
                return None
            value = data.get("name") if isinstance(data, YamlMap) else None
            return value.strip() if isinstance(value, str) and value.strip() else None
    return None


@dataclasses.dataclass
class WorkerConfig:
    rubric: object  # the loaded Rubric (validated in the parent, pickled once per worker)
    window: object
    want_json: bool = False  # the branch's score JSON text (redacted)
    want_row: bool = False  # its 统计表 row (runs the planner)
    out_dir: str | None = None  # write the branch's own reports there
    root: str = "."
    fault: str | None = None


class Scorer:
    """Scores one folder into an outcome; runs in a worker (or in-process)."""

    def __init__(self, config: WorkerConfig):
        from dangjian_cli import engine, ledger  # noqa: F401  (import once, before the first folder)

        self.config = config

    def score(self, task: Task) -> dict:
        from dangjian_cli import engine, ledger
        from dangjian_cli.errors import InputErrors
        from dangjian_cli.masking import redact

        config = self.config
        started = time.perf_counter()
        if config.fault:
            _inject_fault(config.fault, task.rel)
        try:
            result = engine.evaluate(config.rubric, ledger.load(task.folder), config.window)
        except InputErrors as exc:
            out = error_outcome(task.folder, redact(exc.summary()), "input", _branch_name(task.folder))
        except Exception as exc:  # one branch's bug never stops the others
            message = redact(f"内部错误（{type(exc).__name__}: {exc}），请把此信息和所用文件报告给维护者")
            out = error_outcome(task.folder, message, "internal", _branch_name(task.folder))
        else:
            out = self._scored(task, result)
        out["index"], out["rel"] = task.index, task.rel
        out["seconds"] = round(time.perf_counter() - started, 4)
        return out

    def _scored(self, task: Task, result) -> dict:
        from dangjian_cli.render.json_report import dumps

        config = self.config
        data = result.to_dict() if config.want_json or config.out_dir else None
        out = outcome_from_result(result)
        if config.want_json:
            out["json"] = dumps(data)  # the very text `dj score --format json` prints
        plan = None
        if config.want_row or config.out_dir:
            try:
                from dangjian_cli.render.planner import plan as make_plan

                plan = make_plan(result)
            except Exception:
                plan = None  # the row falls back to the findings
        if config.want_row:
            from dangjian_cli.render.statistics_xlsx import branch_row

            out["row"] = branch_row(result, plan)
        if config.out_dir:
            out["report_error"] = self._write_reports(task, result, plan, out.get("json") or dumps(data))
        return out

    def _write_reports(self, task: Task, result, plan, json_text: str) -> str | None:
        from dangjian_cli.masking import redact
        from dangjian_cli.options import atomic_write

        base = Path(self.config.out_dir) / report_stem(task, Path(self.config.root))
        try:
            atomic_write(base.with_name(base.name + ".json"), (json_text + "\n").encode("utf-8"))
            from dangjian_cli.render.markdown import render

            text = render(result, plan=plan) if plan is not None else render(result)
            atomic_write(base.with_name(base.name + ".md"), text.encode("utf-8"))
            try:
                from dangjian_cli.render import xlsx
            except ImportError:
                xlsx = None
            if xlsx is not None:
                if plan is not None and hasattr(xlsx, "build_workbook"):
                    import io

                    buffer = io.BytesIO()
                    xlsx.build_workbook(result, plan).save(buffer)
                    data = buffer.getvalue()
                else:
                    data = xlsx.workbook_bytes(result)
                atomic_write(base.with_name(base.name + ".xlsx"), data)
        except Exception as exc:
            return redact(f"写出 {base} 的报告失败（{type(exc).__name__}: {exc}）")
        return None


def _inject_fault(fault: str, rel: str) -> None:
    """Test hook (env DJ_BATCH_FAULT): make this worker die outright on one folder."""
    action, _, target = fault.partition(":")
    if target != rel:
        return
    sys.stdout.flush()
    if action == "kill":
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        time.sleep(5)
    os._exit(86)


# ─── the worker pool ───────────────────────────────────────────────────────────────────────────────────


def _worker_main(conn, config: WorkerConfig) -> None:
    """A worker process: load once, then score the chunks of folders it is sent, answering one by one."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        scorer = Scorer(config)
    except BaseException as exc:  # pragma: no cover - only a broken installation gets here
        try:
            conn.send(("fatal", f"{type(exc).__name__}: {exc}"))
        finally:
            return
    # what the fork server imported lives as long as this worker: keep it out of the garbage collector's
    # full passes, which would otherwise walk every imported module again and again
    import gc

    gc.freeze()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for task in chunk:
            conn.send(("done", task.index, scorer.score(task)))


class BatchFailure(Exception):
    """The pool itself cannot go on (workers cannot start)."""


def _context():
    import multiprocessing as mp

    methods = mp.get_all_start_methods()
    if "forkserver" in methods:
        ctx = mp.get_context("forkserver")
        # workers are forked from a clean server that already imported the scorer: no threads are forked
        # (the progress bar runs one), and each new worker starts in milliseconds
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def start_server() -> None:
    """Start the fork server now: it imports the scorer while this process parses the options, loads the rubric
    and finds the folders, instead of after. Calling it again is cheap (the running server is kept)."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _death(exitcode) -> str:
    if exitcode is None:
        return "未知原因"
    if exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"被信号 {-exitcode}（{name}）终止"
    return f"退出码 {exitcode}"


class _Worker:
    def __init__(self, ctx, config: WorkerConfig):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, config), name="dj-batch-worker", daemon=True)
        self.process.start()
        child.close()
        self.pending: collections.deque[Task] = collections.deque()
        self.ready = False
        self.dead = False


class Pool:
    """Worker processes that survive their workers: see the module docstring."""

    def __init__(self, config: WorkerConfig, jobs: int, on_outcome: Callable[[dict], None]):
        self.config = config
        self.jobs = max(1, jobs)
        self.on_outcome = on_outcome
        self.queue: collections.deque[Task] = collections.deque()
        self.attempts: dict[int, int] = {}
        self.isolate: set[int] = set()
        self.start_failures = 0
        self.workers: list[_Worker] = []
        self.ctx = None

    def run(self, tasks: list[Task]) -> None:
        from multiprocessing.connection import wait

        if not tasks:
            return
        self.queue.extend(tasks)
        self.ctx = _context()
        try:
            self.workers = [self._spawn() for _ in range(min(self.jobs, len(tasks)))]
            for w in self.workers:
                self._feed(w)
            while self.queue or any(w.pending for w in self.workers if not w.dead):
                handles = {}
                for w in self.workers:
                    if not w.dead:
                        handles[w.conn] = w
                        handles[w.process.sentinel] = w
                for handle in wait(list(handles)):
                    w = handles[handle]
                    if w.dead:
                        continue
                    if handle is w.process.sentinel:  # it exited: take what it sent before, then blame its folder
                        self._receive(w)
                        self._bury(w)
                    else:  # one message (no poll: each costs a selector); wait() reports the pipe again if more
                        self._receive_one(w)
                    if w.dead:
                        self._replace(w)
                    else:
                        self._feed(w)
                self._feed_all()
        except BaseException:
            self._shutdown(abort=True)  # Ctrl-C or a pool failure: stop the workers now
            raise
        self._shutdown()

    # --- feeding ---------------------------------------------------------------------------------------

    def _chunk_size(self) -> int:
        live = max(1, sum(1 for w in self.workers if not w.dead))
        return max(1, min(4, len(self.queue) // (2 * live)))

    def _feed(self, w: _Worker) -> None:
        """Keep a whole chunk queued behind the folder the worker is on: it never waits for this process to
        notice that it finished one (this process may not be scheduled at once on a busy machine)."""
        while not w.dead and self.queue and len(w.pending) <= self._chunk_size():
            if self.queue[0].index in self.isolate:
                if w.pending:
                    return  # a folder that killed a worker runs alone, so that a second death is its own
                chunk = [self.queue.popleft()]
            else:
                chunk = []
                size = self._chunk_size()
                while self.queue and len(chunk) < size and self.queue[0].index not in self.isolate:
                    chunk.append(self.queue.popleft())
            w.pending.extend(chunk)
            try:
                w.conn.send(chunk)
            except (OSError, ValueError):
                self._bury(w)
                self._replace(w)
                return

    def _feed_all(self) -> None:
        for w in self.workers:
            if not w.dead:
                self._feed(w)
        if self.queue and not any(not w.dead for w in self.workers):
            self.workers.append(self._spawn())
            self._feed(self.workers[-1])

    # --- receiving -------------------------------------------------------------------------------------

    def _receive(self, w: _Worker) -> None:
        """Every message the worker has sent so far."""
        while not w.dead:
            try:
                if not w.conn.poll():
                    return
            except Exception:  # a closed pipe
                self._bury(w)
                return
            self._receive_one(w)

    def _receive_one(self, w: _Worker) -> None:
        try:
            message = w.conn.recv()
        except Exception:  # EOF, a message cut short by the worker's death, a closed pipe
            self._bury(w)
            return
        kind = message[0]
        if kind == "done":
            _, index, outcome = message
            self._finish(w, index, outcome)
        elif kind == "ready":
            w.ready = True
            self.start_failures = 0
        elif kind == "fatal":
            raise BatchFailure(f"工作进程无法启动：{message[1]}")

    def _finish(self, w: _Worker, index: int, outcome: dict) -> None:
        for n, task in enumerate(w.pending):
            if task.index == index:
                del w.pending[n]
                break
        self.isolate.discard(index)
        self.on_outcome(outcome)

    def _bury(self, w: _Worker) -> None:
        """A worker died: blame the folder it was on (retry it once, alone), hand the rest back."""
        if w.dead:
            return
        w.dead = True
        w.process.join(timeout=5)
        cause = _death(w.process.exitcode)
        try:
            w.conn.close()
        except OSError:
            pass
        pending = list(w.pending)
        w.pending.clear()
        if not w.ready:
            self.start_failures += 1
            self.queue.extendleft(reversed(pending))
            if self.start_failures >= MAX_START_FAILURES:
                raise BatchFailure(f"工作进程无法启动（{cause}）")
            return
        culprit, rest = (pending[0], pending[1:]) if pending else (None, [])
        self.queue.extendleft(reversed(rest))
        if culprit is None:
            return
        attempts = self.attempts[culprit.index] = self.attempts.get(culprit.index, 0) + 1
        if attempts < MAX_ATTEMPTS:
            self.isolate.add(culprit.index)
            self.queue.appendleft(culprit)
            return
        self.isolate.discard(culprit.index)
        message = (f"评分时工作进程意外退出（{cause}），重试后仍然如此：该支部的台账可能触发了程序缺陷，"
                   "请把此信息和所用文件报告给维护者（其余支部不受影响）")
        outcome = error_outcome(culprit.folder, message, "crash", _branch_name(culprit.folder))
        outcome.update(index=culprit.index, rel=culprit.rel, seconds=0.0)
        self.on_outcome(outcome)

    def _replace(self, w: _Worker) -> None:
        n = self.workers.index(w)
        if self.queue:
            self.workers[n] = self._spawn()
            self._feed(self.workers[n])

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.config)

    def _shutdown(self, abort: bool = False) -> None:
        alive = [w for w in self.workers if not w.dead]
        if not abort:
            for w in alive:
                try:
                    w.conn.send(None)
                except (OSError, ValueError):
                    pass
            deadline = time.monotonic() + 5
            for w in alive:
                w.process.join(timeout=max(0.0, deadline - time.monotonic()))
        for w in self.workers:
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(timeout=2)
            if w.process.is_alive():  # pragma: no cover
                w.process.kill()
                w.process.join()
            try:
                w.conn.close()
            except OSError:
                pass


# ─── collecting: outcomes in memory (small), branch JSON texts spooled to disk in any order ────────────


class Spool:
    """Branch JSON texts, arriving in any order, written back out in sorted order; memory stays flat."""

    def __init__(self):
        import tempfile

        self.file = tempfile.TemporaryFile()
        self.where: dict = {}

    def add(self, key, text: str) -> None:
        data = text.encode("utf-8")
        self.file.seek(0, 2)
        self.where[key] = (self.file.tell(), len(data))
        self.file.write(data)

    def texts(self, keys: Iterable) -> Iterable[str]:
        for key in keys:
            offset, size = self.where[key]
            self.file.seek(offset)
            yield self.file.read(size).decode("utf-8")

    def close(self) -> None:
        self.file.close()


@dataclasses.dataclass
class Collected:
    """Everything the reports are made of."""

    outcomes: list[dict]  # in sorted folder order
    header: dict  # root, rubric, window, shard
    spool: Spool | None
    keys: list  # spool keys, parallel to outcomes

    def branch_texts(self) -> Iterable[str]:
        return self.spool.texts(self.keys) if self.spool else iter(())


def summary(outcomes: list[dict], fail_under: float | None) -> dict:
    scored = [o for o in outcomes if not o["error"]]
    if fail_under is None:
        below = sum(1 for o in scored if o["rating"] is None)
    else:
        below = sum(1 for o in scored if float(o["percent"]) < fail_under)
    return {"count": len(outcomes), "five_star": sum(1 for o in scored if o["five_star"]), "below": below,
            "errors": len(outcomes) - len(scored), "fail_under": fail_under}


def exit_code(outcomes: list[dict], fail_under: float | None) -> int:
    if any(o["error"] or o.get("report_error") for o in outcomes):
        return 2
    if fail_under is not None and any(float(o["percent"]) < fail_under for o in outcomes):
        return 1
    return 0


def statistics_rows(outcomes: list[dict]) -> list[dict]:
    from dangjian_cli.render.statistics_xlsx import error_row, row_from_outcome

    rows = []
    for o in outcomes:
        row = o.get("row")
        if row is None:
            row = error_row(o) if o["error"] else row_from_outcome(o)
        rows.append({"path": o["rel"], **{k: v for k, v in row.items() if k != "path"}})
    return rows


# ─── reports ───────────────────────────────────────────────────────────────────────────────────────────

SUFFIXES = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".xml": "junit", ".xlsx": "xlsx"}


def output_kinds(outputs: list[Path]) -> list[tuple[Path, str]]:
    kinds = []
    for output in outputs:
        kind = SUFFIXES.get(output.suffix.lower())
        if kind is None:
            raise UsageError(f"-o {output}：不支持的报告格式“{output.suffix or '（无后缀）'}”，"
                             "请用 .xlsx（统计表）、.json、.md 或 .xml（JUnit）")
        kinds.append((output, kind))
    return kinds


def emit(collected: Collected, fmt: str, outputs: list[tuple[Path, str]], fail_under: float | None,
         stdout=None, stderr=None) -> int:
    """Write the -o reports, print the chosen format, report errors; returns the exit code."""
    from dangjian_cli.options import atomic_stream, atomic_write
    from dangjian_cli.render import batch_report

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    outcomes = collected.outcomes
    totals = summary(outcomes, fail_under)
    rows = statistics_rows(outcomes) if (fmt == "json" or any(k in ("json", "xlsx") for _, k in outputs)) else []
    info = {**collected.header}

    def json_to(handle) -> None:
        batch_report.write_json(handle, info, collected.branch_texts(), rows, totals)

    for path, kind in outputs:
        if kind == "json":
            atomic_stream(path, json_to)
        elif kind == "xlsx":
            from dangjian_cli.render.statistics_xlsx import workbook_bytes

            atomic_write(path, workbook_bytes(rows, outcomes, totals, info))
        elif kind == "markdown":
            atomic_write(path, batch_report.markdown(outcomes, totals, info).encode("utf-8"))
        elif kind == "junit":
            atomic_write(path, batch_report.junit(outcomes, totals, info, fail_under))

    if fmt == "json":
        json_to(stdout)
    elif fmt == "markdown":
        stdout.write(batch_report.markdown(outcomes, totals, info))
    elif fmt == "junit":
        stdout.write(batch_report.junit(outcomes, totals, info, fail_under).decode("utf-8"))
    else:
        stdout.write(batch_report.table(outcomes, totals, info))
    stdout.flush()

    from dangjian_cli.masking import redact

    if fmt != "table":
        for o in outcomes:
            if o["error"]:
                stderr.write(redact(f"错误：{o['path']}：{o['error']}") + "\n")
    for o in outcomes:
        if o.get("report_error"):
            stderr.write(redact(f"错误：{o['report_error']}") + "\n")
    for path, kind in outputs:
        label = {"xlsx": "统计表", "json": "JSON", "markdown": "报告", "junit": "JUnit 报告"}[kind]
        if fmt == "table":
            stderr.write(f"{label}已写入 {path}\n")
    return exit_code(outcomes, fail_under)


# ─── dj batch ──────────────────────────────────────────────────────────────────────────────────────────


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _progress(total: int):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(TextColumn("评分"), BarColumn(), MofNCompleteColumn(), TextColumn("出错 {task.fields[errors]}"),
                        TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task("评分", total=total, errors=0)
    return progress, task


def run_batch(root: Path, *, rubric: str | None, window, fmt: str = "table", outputs: list[Path] = (),
              out_dir: Path | None = None, jobs: int | None = None, fail_under: float | None = None,
              shard: str | None = None, progress: bool | None = None, stdout=None, stderr=None) -> int:
    from dangjian_cli import rubric as rubric_mod

    stdout = stdout or sys.stdout
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}：至少为 1")
    jobs = jobs or default_jobs()
    parts = parse_shard(shard)
    kinds = output_kinds(list(outputs or ()))
    start_server()
    loaded = rubric_mod.load(rubric)  # a refused rubric stops here, before any worker starts
    everything = discover(root)
    if not everything:
        raise UsageError(f"{root} 下没有找到支部台账文件夹（含 branch.yaml 或 branch.yml 的文件夹）")
    tasks = select_shard(everything, parts)
    for path, _ in kinds:
        check_report_path(path)
    if out_dir is not None:
        check_out_dir(out_dir, tasks, root)

    # the reports' modules are imported now, while the fork server may still be importing the scorer, rather
    # than after the last folder is scored
    from dangjian_cli.render import batch_report  # noqa: F401

    want_json = fmt == "json" or any(k == "json" for _, k in kinds)
    want_row = want_json or any(k == "xlsx" for _, k in kinds)
    config = WorkerConfig(rubric=loaded, window=window, want_json=want_json, want_row=want_row,
                          out_dir=str(out_dir) if out_dir is not None else None, root=str(root),
                          fault=os.environ.get(FAULT_ENV) or None)
    header = {"root": str(root), "rubric": {"id": loaded.id, "title": loaded.title}, "window": window.to_dict(),
              "shard": {"index": parts[0], "count": parts[1], "folders": len(everything)} if parts else None}

    spool = Spool() if want_json else None
    results: dict[int, dict] = {}
    show = progress if progress is not None else (_isatty(sys.stderr) and _isatty(stdout))
    bar = _progress(len(tasks)) if show and tasks else None
    errors = 0

    def on_outcome(outcome: dict) -> None:
        nonlocal errors
        text = outcome.pop("json", None)
        if spool is not None:
            if text is None:
                from dangjian_cli.render.json_report import dumps

                text = dumps(error_entry(outcome))
            spool.add(outcome["index"], text)
        results[outcome["index"]] = outcome
        if outcome["error"]:
            errors += 1
        if bar is not None:
            bar[0].update(bar[1], advance=1, errors=errors)

    try:
        if bar is not None:
            bar[0].start()
        try:
            Pool(config, jobs, on_outcome).run(tasks)
        finally:
            if bar is not None:
                bar[0].stop()
        ordered = [results[t.index] for t in tasks]
        collected = Collected(outcomes=ordered, header=header, spool=spool, keys=[t.index for t in tasks])
        return emit(collected, fmt, kinds, fail_under, stdout=stdout, stderr=stderr)
    except BatchFailure as exc:
        raise UsageError(str(exc)) from None
    finally:
        if spool is not None:
            spool.close()


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# ─── dj batch-merge ────────────────────────────────────────────────────────────────────────────────────


def _read_shard(path: Path) -> dict:
    import json

    from dangjian_cli.errors import InputError, InputErrors

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise InputErrors([InputError(file=str(path), message="文件不存在")]) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputErrors([InputError(file=str(path), message=f"不是有效的 JSON（{exc}）")]) from None
    if (not isinstance(data, dict) or not isinstance(data.get("branches"), list)
            or not isinstance(data.get("summary"), dict)):
        raise InputErrors([InputError(file=str(path), message="不是 dj batch --format json 的输出（缺少 branches/summary）")])
    stats = data.get("statistics")
    if stats is not None and (not isinstance(stats, list) or len(stats) != len(data["branches"])):
        raise InputErrors([InputError(file=str(path), message="statistics 与 branches 条数不一致")])
    return data


def _rel_of(entry: dict, root: str | None) -> str:
    path = str(entry.get("path") if "error" in entry else (entry.get("branch") or {}).get("path") or "")
    if root:
        try:
            rel = PurePath(path).relative_to(PurePath(root)).as_posix()
            return rel or "."
        except ValueError:
            pass
    return PurePath(path).as_posix()


def run_merge(files: list[Path], *, fmt: str = "table", outputs: list[Path] = (), fail_under: float | None = None,
              stdout=None, stderr=None) -> int:
    """Shard JSON outputs → one 统计表 / one combined JSON / the usual reports, as if run unsharded."""
    from dangjian_cli.errors import InputError, InputErrors
    from dangjian_cli.render.json_report import dumps

    if not files:
        raise UsageError("请给出要合并的分片 JSON 文件（dj batch --shard K/N -o 分片K.json 的输出）")
    kinds = output_kinds(list(outputs or ()))
    for path, _ in kinds:
        check_report_path(path)
    want_json = fmt == "json" or any(k == "json" for _, k in kinds)
    spool = Spool() if want_json else None
    items: list[tuple[tuple, dict]] = []
    first: dict | None = None
    shards: dict[int, Path] = {}
    counts: set[int] = set()
    try:
        for number, path in enumerate(files):
            data = _read_shard(path)
            shard = data.get("shard")
            if first is None:
                first = data
            elif (data.get("rubric"), data.get("window")) != (first.get("rubric"), first.get("window")):
                raise InputErrors([InputError(file=str(path), message=(
                    f"评分标准或评定期间与 {files[0]} 不一致（{data.get('rubric')} {data.get('window')}）："
                    "各分片须用同样的 --rubric、--year/--from/--to 和 --as-of"))])
            if (shard is None) != (first.get("shard") is None):
                raise InputErrors([InputError(file=str(path), message="分片与非分片的输出不能混合合并")])
            if shard is not None:
                k = shard.get("index")
                counts.add(shard.get("count"))
                if k in shards:
                    raise InputErrors([InputError(file=str(path), message=f"分片 {k}/{shard.get('count')} 与 {shards[k]} 重复")])
                shards[k] = path
            stats = data.get("statistics") or [None] * len(data["branches"])
            for position, (entry, row) in enumerate(zip(data["branches"], stats)):
                rel = (row or {}).get("path") or _rel_of(entry, data.get("root"))
                if isinstance(entry, dict) and "error" in entry and "indicators" not in entry:
                    outcome = error_outcome(entry.get("path"), entry.get("error"), entry.get("kind") or "input",
                                            entry.get("name"))
                else:
                    outcome = outcome_from_score(entry)
                outcome.update(rel=rel, seconds=0.0, row=row)
                key = (order_key(rel), number, position)
                if spool is not None:
                    spool.add(key, dumps(entry))
                items.append((key, outcome))
            del data
        if shards:
            (count,) = counts if len(counts) == 1 else (None,)
            if count is None:
                raise InputErrors([InputError(file=str(files[0]), message=f"各分片的份数 N 不一致（{sorted(counts)}）")])
            missing = [k for k in range(1, count + 1) if k not in shards]
            if missing:
                raise InputErrors([InputError(file=str(files[0]), message=(
                    f"缺少分片 {'、'.join(f'{k}/{count}' for k in missing)}：合并须给出全部 {count} 份"))])
        items.sort(key=lambda item: item[0])
        outcomes = []
        for n, (_, outcome) in enumerate(items):
            outcome["index"] = n
            outcomes.append(outcome)
        assert first is not None
        header = {"root": first.get("root"), "rubric": first.get("rubric"), "window": first.get("window"),
                  "shard": None, "merged": [str(p) for p in files]}
        collected = Collected(outcomes=outcomes, header=header, spool=spool, keys=[key for key, _ in items])
        return emit(collected, fmt, kinds, fail_under, stdout=stdout, stderr=stderr)
    finally:
        if spool is not None:
            spool.close()
