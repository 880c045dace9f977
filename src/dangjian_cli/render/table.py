"""Terminal output with rich: the score table, the gap list, the gaps of `dj gaps`."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dangjian_cli.masking import redact
from dangjian_cli.render import STATUS_ZH, fmt_points, rating_text

def safe(text) -> str:
    """User text for rich: personal numbers masked, and `[...]` shown as typed rather than read as markup."""
    return escape(redact(str(text)))


_STATUS_STYLE = {"pass": "green", "partial": "yellow", "fail": "red", "manual": "cyan", "n/a": "dim", "waived": "magenta"}


def print_score(result, console: Console) -> None:
    console.print(f"[bold]{safe(result.branch['name'])}[/bold]  ·  {safe(result.rubric['title'])}")
    w = result.window
    console.print(f"评定期间 {w['from']} 至 {w['to']}，截至 {w['as_of']}")
    table = Table(show_lines=False, header_style="bold")
    for name, justify in (("序号", "right"), ("评定项目", "left"), ("得分", "right"), ("分值", "right"),
                          ("状态", "left"), ("计算过程", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for area in result.areas:
        for ind in area.indicators:
            style = _STATUS_STYLE[ind.status]
            table.add_row(safe(ind.id), safe(area.id), fmt_points(ind.points), fmt_points(ind.max),
                          f"[{style}]{STATUS_ZH[ind.status]}[/{style}]", safe(ind.working))
        table.add_section()
    console.print(table)

    summary = Table(header_style="bold")
    summary.add_column("评定项目")
    summary.add_column("得分", justify="right")
    summary.add_column("满分", justify="right")
    for area in result.areas:
        summary.add_row(safe(area.id) + ("（加分）" if area.bonus else ""), fmt_points(area.points), fmt_points(area.max))
    summary.add_row("[bold]合计[/bold]", f"[bold]{fmt_points(result.total)}[/bold]", fmt_points(result.max))
    console.print(summary)
    rating = safe(rating_text(result.rating, result.rubric))
    colour = "green" if result.rating else "red"
    line = f"总分 [bold]{fmt_points(result.total)}[/bold] / {fmt_points(result.max)}（{fmt_points(result.percent)}%）  评定：[bold {colour}]{rating}[/bold {colour}]"
    if result.vetoed_by:
        line += f"（指标 {'、'.join(result.vetoed_by)} 一票否决）"
    console.print(line)
    print_findings(result, console)


def print_findings(result, console: Console) -> None:
    rows = [(ind, f) for ind in result.indicators for f in ind.findings if f.kind == "gap"]
    if not rows and not result.notices:
        console.print("[green]没有发现问题。[/green]")
        return
    if rows:
        table = Table(title="问题清单", header_style="bold", title_justify="left")
        table.add_column("指标", justify="right")
        table.add_column("问题", overflow="fold")
        table.add_column("影响分值", justify="right")
        for ind, f in rows:
            table.add_row(safe(ind.id), safe(f.message), fmt_points(ind.finding_points(f)))
        console.print(table)
    if result.notices:
        console.print("[bold]其他提示[/bold]")
        for n in result.notices:
            console.print(redact(f"  · {n.message}"), markup=False)


def print_gaps(result, console: Console) -> None:
    console.print(f"[bold]{safe(result.branch['name'])}[/bold]  缺失的会议/活动")
    w = result.window
    console.print(f"检查期间 {w['from']} 至 {w['to']}，截至 {w['as_of']}")
    for title, items in (("缺失", result.gaps), ("进行中（本期尚未结束，未完成）", result.pending)):
        if not items:
            continue
        table = Table(title=f"{title}（{len(items)} 项）", header_style="bold", title_justify="left")
        for col in ("期间", "会议/活动", "党小组", "条件", "应开", "实开"):
            table.add_column(col)
        for g in items:
            table.add_row(g.period.label, safe(g.event), safe(g.group or ""), safe(g.condition or ""), str(g.required),
                          str(g.held))
        console.print(table)
    if not result.gaps:
        console.print("[green]已到期的各项会议/活动均已按要求开展。[/green]")
