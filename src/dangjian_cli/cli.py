"""The `dj` command line: parse options, wire load → evaluate → render. Nothing else lives here."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup


class _Commands(TyperGroup):
    """`dj batch` starts its workers' fork server before typer parses any option: the server spends ~0.4 s
    importing the scorer, in parallel with this process, which spends ~0.2 s in typer's option parsing (recent
    typer imports pydantic and builds a validator per option), then loads the rubric and finds the folders."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args[:1] == ["batch"] and not set(args) & {"-h", "--help"}:
            from dangjian_cli.batch import start_server

            try:
                start_server()
            except Exception:
                pass  # only a head start: run_batch starts the server again, and reports why it cannot
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_Commands,
    name="dj",
    help="dj：社会组织党组织“五星级”评定台账检查工具（东莞市标准）。读取支部台账文件夹，自动评分并列出问题清单。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rubric_app = typer.Typer(help="查看或检查评分标准（rubric）", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(rubric_app, name="rubric")

RubricOpt = typer.Option(None, "--rubric", help="评分标准：内置标准名（默认 dongguan-5star）或 YAML 文件路径")
YearOpt = typer.Option(None, "--year", help="评定年度，如 2024（即 2024-01 至 2024-12）")
FromOpt = typer.Option(None, "--from", help="评定起始月，如 2024-01（与 --to 同用）")
ToOpt = typer.Option(None, "--to", help="评定结束月，如 2024-06")
AsOfOpt = typer.Option(None, "--as-of", help="以哪一天为“今天”（默认今天），如 2024-11-30")
OutOpt = typer.Option(None, "-o", "--output", help="写出报告文件：.md / .json / .xlsx（申报表）")
WaiversOpt = typer.Option(None, "--waivers", help="豁免文件（YAML），与支部文件夹中的 waivers.yaml 一并采用")


class ScoreFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class GapsFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _fail(message: str, code: int = 2) -> "typer.Exit":
    sys.stderr.write(f"错误：{message}\n")
    return typer.Exit(code)


def _run(action):
    """Run a command body; input and usage errors become one Chinese message and exit 2."""
    from dangjian_cli.errors import InputErrors, UsageError
    from dangjian_cli.masking import redact

    try:
        return action()
    except InputErrors as exc:
        raise _fail(redact(exc.summary())) from None
    except UsageError as exc:
        raise _fail(redact(str(exc))) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise _fail("已中断", 130) from None
    except Exception as exc:  # never show a traceback to a user
        raise _fail(redact(f"内部错误（{type(exc).__name__}: {exc}），请把此信息和所用文件报告给维护者"), 3) from None


def _console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # piped into a file or another program: rich would assume 80 columns and fold every Chinese cell
    width = None if stream.isatty() else 140
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width)


def _extra_waivers(waivers: Optional[Path]):
    if waivers is None:
        return ()
    from dangjian_cli.ledger.loader import load_waivers

    return load_waivers(waivers)


def _score(folder: Path, rubric: Optional[str], window, waivers: Optional[Path] = None):
    from dangjian_cli import engine, ledger
    from dangjian_cli import rubric as rubric_mod

    loaded_rubric = rubric_mod.load(rubric)
    return engine.evaluate(loaded_rubric, ledger.load(folder), window, _extra_waivers(waivers))


def _write_report(result, output: Path, folder: Path) -> None:
    from dangjian_cli.errors import UsageError
    from dangjian_cli.options import atomic_write, check_output_path

    check_output_path(output, [folder])
    suffix = output.suffix.lower()
    if suffix == ".json":
        from dangjian_cli.render.json_report import score_json

        data = score_json(result).encode("utf-8")
    elif suffix in (".md", ".markdown"):
        from dangjian_cli.render.markdown import render

        data = render(result).encode("utf-8")
    elif suffix == ".xlsx":
        from dangjian_cli.render.xlsx import workbook_bytes

        data = workbook_bytes(result)
    else:
        raise UsageError(f"-o {output}：不支持的报告格式“{suffix or '（无后缀）'}”，请用 .md、.json 或 .xlsx")
    atomic_write(output, data)


@app.command()
def score(
    folder: Path = typer.Argument(..., help="支部台账文件夹"),
    rubric: Optional[str] = RubricOpt,
    year: Optional[int] = YearOpt,
    start: Optional[str] = FromOpt,
    end: Optional[str] = ToOpt,
    as_of: Optional[str] = AsOfOpt,
    fmt: ScoreFormat = typer.Option(ScoreFormat.table, "--format", "-f", help="输出格式：table / json / markdown"),
    output: Optional[Path] = OutOpt,
    fail_under: Optional[float] = typer.Option(None, "--fail-under", help="得分率低于此值（百分制）时退出码为 1"),
    waivers: Optional[Path] = WaiversOpt,
):
    """为一个支部评分：各指标得分、评定星级和问题清单。"""

    def action():
        from dangjian_cli.options import window_from_options

        window = window_from_options(year, start, end, as_of)
        result = _score(folder, rubric, window, waivers)
        if output is not None:
            _write_report(result, output, folder)
        if fmt == ScoreFormat.json:
            from dangjian_cli.render.json_report import score_json

            sys.stdout.write(score_json(result) + "\n")
        elif fmt == ScoreFormat.markdown:
            from dangjian_cli.render.markdown import render

            sys.stdout.write(render(result))
        else:
            from dangjian_cli.render.table import print_score

            print_score(result, _console())
            if output is not None:
                _console(stderr=True).print(f"报告已写入 {output}")
        if fail_under is not None and float(result.percent) < fail_under:
            raise typer.Exit(1)

    _run(action)


@app.command()
def gaps(
    folder: Path = typer.Argument(..., help="支部台账文件夹"),
    since: Optional[str] = typer.Option(None, "--since", help="从哪个月起检查，如 2024-01（默认当年 1 月）"),
    until: Optional[str] = typer.Option(None, "--until", help="检查到哪个月，如 2024-12（默认当年 12 月）"),
    rubric: Optional[str] = RubricOpt,
    year: Optional[int] = YearOpt,
    start: Optional[str] = FromOpt,
    end: Optional[str] = ToOpt,
    as_of: Optional[str] = AsOfOpt,
    fmt: GapsFormat = typer.Option(GapsFormat.table, "--format", "-f", help="输出格式：table / json / csv"),
    waivers: Optional[Path] = WaiversOpt,
):
    """列出未按要求召开的会议/活动（三会一课、组织生活会等），有缺失时退出码为 1。"""

    def action():
        from dangjian_cli.errors import UsageError
        from dangjian_cli.options import window_from_options

        if (since or until) and (year is not None or start or end):
            raise UsageError("--since/--until 不能与 --year/--from/--to 同时使用")
        if since or until:
            base = window_from_options(None, None, None, as_of)
            first = since or str(base.first)
            last = until or str(base.last)
            window = window_from_options(None, first, last, as_of)
        else:
            window = window_from_options(year, start, end, as_of)
        result = _score(folder, rubric, window, waivers)
        if fmt == GapsFormat.json:
            from dangjian_cli.render.json_report import gaps_json

            sys.stdout.write(gaps_json(result) + "\n")
        elif fmt == GapsFormat.csv:
            from dangjian_cli.render.json_report import gaps_csv

            sys.stdout.write(gaps_csv(result))
        else:
            from dangjian_cli.render.table import print_gaps

            print_gaps(result, _console())
        if result.gaps:
            raise typer.Exit(1)

    _run(action)


@app.command()
def validate(folder: Path = typer.Argument(..., help="支部台账文件夹")):
    """只检查台账文件格式：列出每一处问题（文件、行/单元格、字段）。"""

    def action():
        from dangjian_cli.errors import InputErrors
        from dangjian_cli.ledger import load
        from dangjian_cli.masking import redact

        try:
            ledger = load(folder)
        except InputErrors as exc:
            sys.stderr.write(f"发现 {len(exc.errors)} 处问题：\n")
            for error in exc.errors:
                sys.stderr.write(redact(f"  · {error}") + "\n")
            raise typer.Exit(2) from None
        counts = (f"党员 {len(ledger.members)} 人，会议/活动 {len(ledger.meetings)} 条，培训 {len(ledger.trainings)} 条，"
                  f"党费 {len(ledger.dues)} 条，文件 {len(ledger.documents)} 份，阵地 {len(ledger.facilities)} 项，"
                  f"荣誉 {len(ledger.honors)} 项")
        sys.stdout.write(redact(f"台账格式检查通过：{ledger.branch.name}（{counts}）\n"))

    _run(action)


@rubric_app.command("show")
def rubric_show(
    name: Optional[str] = typer.Argument(None, help="内置标准名或 YAML 文件路径（默认 dongguan-5star）"),
    fmt: str = typer.Option("table", "--format", "-f", help="table / json"),
):
    """显示评分标准：各项目、指标、分值和规则。"""

    def action():
        from dangjian_cli import rubric as rubric_mod
        from dangjian_cli.render.rubric_view import print_rubric, rubric_json

        loaded = rubric_mod.load(name)
        if fmt == "json":
            sys.stdout.write(rubric_json(loaded) + "\n")
        else:
            print_rubric(loaded, _console())

    _run(action)


@rubric_app.command("check")
def rubric_check(path: str = typer.Argument(..., help="评分标准 YAML 文件")):
    """检查评分标准文件：分值是否相符、规则类型和参数是否有效。"""

    def action():
        from dangjian_cli import rubric as rubric_mod
        from dangjian_cli.errors import InputErrors
        from dangjian_cli.masking import redact

        try:
            loaded = rubric_mod.load(path)
        except InputErrors as exc:
            sys.stderr.write(f"评分标准有 {len(exc.errors)} 处问题：\n")
            for error in exc.errors:
                sys.stderr.write(redact(f"  · {error}") + "\n")
            raise typer.Exit(2) from None
        count = sum(1 for _ in loaded.indicators())
        sys.stdout.write(f"评分标准有效：{loaded.title}（{len(loaded.areas)} 个项目，{count} 项指标，总分 {loaded.total}）\n")

    _run(action)


class HistoryFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def trend(
    folder: Path = typer.Argument(..., help="支部台账文件夹"),
    years: str = typer.Option(..., "--years", help="年度范围，如 2022-2024"),
    rubric: Optional[str] = RubricOpt,
    as_of: Optional[str] = AsOfOpt,
    fmt: HistoryFormat = typer.Option(HistoryFormat.table, "--format", "-f", help="输出格式：table / json"),
    waivers: Optional[Path] = WaiversOpt,
):
    """动态管理：逐年评分（各项目与总分），并指出比上一年退步的指标。"""

    def action():
        from dangjian_cli import history

        scored = _score_years(folder, rubric, history.parse_years(years), as_of, waivers)
        _print_history(history.trend_data(scored), fmt, "print_trend")

    _run(action)


def _score_years(folder: Path, rubric: Optional[str], years: list[int], as_of: Optional[str],
                 waivers: Optional[Path]):
    import datetime as dt

    from dangjian_cli import history, ledger
    from dangjian_cli import rubric as rubric_mod
    from dangjian_cli.options import parse_day_option

    day = parse_day_option(as_of, "--as-of") if as_of else dt.date.today()
    return history.score_years(rubric_mod.load(rubric), ledger.load(folder), years, day, _extra_waivers(waivers))


def _print_history(data: dict, fmt: "HistoryFormat", table_printer: str) -> None:
    if fmt == HistoryFormat.json:
        from dangjian_cli.render.json_report import dumps

        sys.stdout.write(dumps(data) + "\n")
    else:
        from dangjian_cli.render import history as history_view

        getattr(history_view, table_printer)(data, _console())


@app.command()
def diff(
    folder: Path = typer.Argument(..., help="支部台账文件夹"),
    before: int = typer.Option(..., "--from", help="对比的起始年度，如 2023"),
    after: int = typer.Option(..., "--to", help="对比的目标年度，如 2024"),
    rubric: Optional[str] = RubricOpt,
    as_of: Optional[str] = AsOfOpt,
    fmt: HistoryFormat = typer.Option(HistoryFormat.table, "--format", "-f", help="输出格式：table / json"),
    waivers: Optional[Path] = WaiversOpt,
):
    """动态管理：比较两个年度，列出得分、状态和问题的变化（已解决 / 新出现）。"""

    def action():
        from dangjian_cli import history

        scored = dict(_score_years(folder, rubric, [before, after], as_of, waivers))
        _print_history(history.diff_data(before, scored[before], after, scored[after]), fmt, "print_diff")

    _run(action)


@app.command()
def init(folder: Path = typer.Argument(..., help="要新建的支部台账文件夹（须不存在或为空）")):
    """新建支部台账文件夹：带表头、下拉选项和示例行的 Excel 模板，branch.yaml 等。"""

    def action():
        from dangjian_cli.scaffold import create

        written = create(folder)
        out = sys.stdout
        out.write(f"已新建支部台账文件夹 {folder}：\n")
        for path in written:
            out.write(f"  {path.relative_to(folder).as_posix()}\n")
        out.write(
            "下一步：\n"
            "  1. 修改 branch.yaml，填写本党组织的名称、班子成员等信息；\n"
            "  2. 打开各 .xlsx，把第 2 行的示例记录改成本支部的真实记录（不需要的整行删除），各表的“说明”工作表解释每一列；\n"
            "  3. 把纪要、照片等证明材料放进 evidence/，并在表中填写路径；需要自评的指标填写 self_assessment.yaml；\n"
            f"  4. 运行 dj validate {folder} 检查格式，dj score {folder} 查看得分和问题清单。\n"
        )

    _run(action)


class BatchFormat(str, Enum):
    table = "table"
    json = "json"
    junit = "junit"
    markdown = "markdown"


BatchFormatOpt = typer.Option(BatchFormat.table, "--format", "-f", help="输出格式：table / json / junit / markdown")
BatchOutOpt = typer.Option(None, "-o", "--output", metavar="FILE",
                           help="写出汇总报告（可多次）：.xlsx（附件3 达标情况统计表）/ .json / .md / .xml（JUnit）")
BatchFailOpt = typer.Option(None, "--fail-under", help="任一支部得分率低于此值（百分制）时退出码为 1")


@app.command()
def batch(
    root: Path = typer.Argument(..., help="根文件夹：其下任意层级含 branch.yaml 的文件夹都会被评分"),
    rubric: Optional[str] = RubricOpt,
    year: Optional[int] = YearOpt,
    start: Optional[str] = FromOpt,
    end: Optional[str] = ToOpt,
    as_of: Optional[str] = AsOfOpt,
    fmt: BatchFormat = BatchFormatOpt,
    output: Optional[list[Path]] = BatchOutOpt,
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="把每个支部自己的报告（.json、.md、.xlsx 申报表）写到此文件夹"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", help="并行的工作进程数（默认 = CPU 数）"),
    fail_under: Optional[float] = BatchFailOpt,
    shard: Optional[str] = typer.Option(None, "--shard", help="只评第 K 份（共 N 份，如 2/8），供多台机器/CI 分片；结果用 dj batch-merge 合并"),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="是否显示进度条（默认：终端上显示）"),
):
    """批量评分：根文件夹下所有支部并行评分，汇总排名、统计表（附件3）；个别台账出错不影响其余支部。"""

    def action():
        from dangjian_cli.batch import run_batch
        from dangjian_cli.options import window_from_options

        window = window_from_options(year, start, end, as_of)
        code = run_batch(root, rubric=rubric, window=window, fmt=fmt.value, outputs=output or [], out_dir=out_dir,
                         jobs=jobs, fail_under=fail_under, shard=shard, progress=progress)
        if code:
            raise typer.Exit(code)

    _run(action)


@app.command("batch-merge")
def batch_merge(
    files: list[Path] = typer.Argument(..., metavar="SHARD", help="各分片的 JSON 输出（dj batch --shard K/N -o 分片.json）"),
    fmt: BatchFormat = BatchFormatOpt,
    output: Optional[list[Path]] = BatchOutOpt,
    fail_under: Optional[float] = BatchFailOpt,
):
    """合并分片评分结果：生成一份统计表（附件3）、一份合并 JSON，与不分片时相同。"""

    def action():
        from dangjian_cli.batch import run_merge

        code = run_merge(files, fmt=fmt.value, outputs=output or [], fail_under=fail_under)
        if code:
            raise typer.Exit(code)

    _run(action)


def main() -> None:
    try:
        app()
    finally:
        _skip_collection_at_exit()


def _skip_collection_at_exit() -> None:
    """The process is about to exit: freeze the heap, so that the interpreter's shutdown does not garbage-collect
    every imported module (0.1–0.2 s once pydantic, rich and the rules are loaded). Everything a command writes
    is closed or flushed explicitly, and the standard streams are flushed at shutdown as before."""
    import gc

    gc.freeze()


if __name__ == "__main__":
    main()
