"""`dj rubric show`: the rubric as a table or JSON, with each rule's parameters."""

from __future__ import annotations

from rich.table import Table

from dangjian_cli.render import fmt_points
from dangjian_cli.render.json_report import dumps


def rule_text(rule) -> str:
    params = rule.params.model_dump(exclude={"kind", "label"}, exclude_none=True, exclude_defaults=True)
    inner = "，".join(f"{k}={v}" for k, v in params.items())
    return f"{rule.label}［{rule.kind}{'：' + inner if inner else ''}］"


def print_rubric(rubric, console) -> None:
    console.print(f"[bold]{rubric.title}[/bold]（{rubric.id}，总分 {fmt_points(rubric.total)}）")
    if rubric.tiers:
        console.print("等级：" + "，".join(f"{t.label} ≥ {fmt_points(t.min)}" for t in rubric.tiers))
    table = Table(show_lines=True, header_style="bold")
    for col in ("项目", "序号", "评定标准", "检查内容", "分值", "规则"):
        table.add_column(col, overflow="fold")
    for area in rubric.areas:
        for ind in area.indicators:
            table.add_row(f"{area.id}（{fmt_points(area.points)}分）", ind.id, ind.standard, ind.check,
                          fmt_points(ind.points), "\n".join(rule_text(r) for r in ind.rules))
    console.print(table)


def rubric_json(rubric) -> str:
    return dumps({
        "id": rubric.id, "title": rubric.title, "source": rubric.source, "total": float(rubric.total),
        "tiers": [{"label": t.label, "min": float(t.min)} for t in rubric.tiers],
        "areas": [{
            "id": a.id, "points": float(a.points), "bonus": a.bonus,
            "indicators": [{
                "id": i.id, "points": float(i.points), "standard": i.standard, "check": i.check, "veto": i.veto,
                "rules": [r.params.model_dump(exclude_none=True) for r in i.rules],
            } for i in a.indicators],
        } for a in rubric.areas],
    })
