"""Markdown report, rendered from the result by jinja2 templates (score.md.j2, with plan.md.j2: the path to 五星级)."""

from __future__ import annotations

import functools
from pathlib import Path

from dangjian_cli.masking import redact
from dangjian_cli.render import STATUS_ZH, fmt_points, rating_text

TEMPLATES = Path(__file__).parent / "templates"


def rate(points, maximum) -> str:
    """得分率 of an area, e.g. 87.5%."""
    if points is None or not maximum:
        return "—"
    from decimal import ROUND_HALF_UP, Decimal

    value = (Decimal(points) / Decimal(maximum) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{fmt_points(value)}%"


def deadline(fix) -> str:
    return str(fix.deadline) if getattr(fix, "deadline", None) else "—"


def signed(value, sign: str = "+") -> str:
    if value is None:
        return "—"
    return f"{sign}{fmt_points(value)}" if value else "0"


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    from dangjian_cli.render.planner import STATE_SHORT, STATE_ZH

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pts"] = fmt_points
    env.filters["cell"] = lambda text: str(text or "").replace("|", "\\|").replace("\n", " ")
    env.globals.update(STATUS_ZH=STATUS_ZH, STATE_ZH=STATE_ZH, STATE_SHORT=STATE_SHORT, rate=rate,
                       deadline=deadline, signed=signed, rating_text=rating_text)
    return env


def render(result, template: str = "score.md.j2", **extra) -> str:
    if template == "score.md.j2" and "plan" not in extra:
        from dangjian_cli.render.planner import plan

        extra["plan"] = plan(result)
    text = _environment().get_template(template).render(r=result, **extra)
    return redact(text.rstrip("\n") + "\n")
