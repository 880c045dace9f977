"""Terminal and markdown output of `dj trend` and `dj diff`."""

from __future__ import annotations

from rich.table import Table

from dangjian_cli.render.table import safe
from dangjian_cli.render import STATUS_ZH, fmt_points, rating_text


def print_trend(data: dict, console) -> None:
    console.print(f"[bold]{safe(data['branch']['name'])}[/bold]  历年评定")
    table = Table(header_style="bold")
    table.add_column("年度")
    area_ids = [a["id"] for a in data["years"][0]["areas"]]
    for area in area_ids:
        table.add_column(safe(area), justify="right")
    for col in ("总分", "得分率", "评定"):
        table.add_column(col, justify="right")
    for year in data["years"]:
        table.add_row(str(year["year"]), *(fmt_points(a["points"]) for a in year["areas"]), fmt_points(year["total"]),
                      f"{fmt_points(year['percent'])}%", safe(rating_text(year["rating"], data["rubric"])))
    console.print(table)
    if not data["regressions"]:
        console.print("[green]没有指标比上一年退步。[/green]")
        return
    table = Table(title="退步的指标", header_style="bold", title_justify="left")
    for col in ("年度", "指标", "上年", "本年", "新出现的问题"):
        table.add_column(col, overflow="fold")
    for r in data["regressions"]:
        table.add_row(str(r["year"]), safe(r["indicator"]), fmt_points(r["from"]), fmt_points(r["to"]),
                      safe("；".join(r["new"]) or r["working_to"]))
    console.print(table)


def print_diff(data: dict, console) -> None:
    before, after = data["from"], data["to"]
    console.print(f"[bold]{safe(data['branch']['name'])}[/bold]  {before['year']} → {after['year']}")
    console.print(f"总分 {fmt_points(before['total'])} → {fmt_points(after['total'])}；"
                  f"评定 {safe(rating_text(before['rating'], data['rubric']))} → {safe(rating_text(after['rating'], data['rubric']))}")
    if not data["changes"]:
        console.print("两年各指标得分与问题均无变化。")
        return
    table = Table(header_style="bold")
    for col in ("指标", "项目", "得分变化", "状态", "已解决的问题", "新出现的问题"):
        table.add_column(col, overflow="fold")
    for c in data["changes"]:
        delta = c["delta"]
        sign = "" if delta is None else ("+" if delta > 0 else "")
        change = f"{fmt_points(c['from'])} → {fmt_points(c['to'])}" + (f"（{sign}{fmt_points(delta)}）" if delta else "")
        table.add_row(safe(c["indicator"]), safe(c["area"]), change,
                      f"{STATUS_ZH[c['status_from']]} → {STATUS_ZH[c['status_to']]}",
                      safe("\n".join(c["resolved"])), safe("\n".join(c["new"])))
    console.print(table)
