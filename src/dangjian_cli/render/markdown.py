"""Markdown report, rendered from the result by a jinja2 template."""

from __future__ import annotations

from pathlib import Path

from dangjian_cli.masking import redact
from dangjian_cli.render import STATUS_ZH, fmt_points

TEMPLATES = Path(__file__).parent / "templates"


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pts"] = fmt_points
    env.filters["cell"] = lambda text: str(text or "").replace("|", "\\|").replace("\n", " ")
    env.globals["STATUS_ZH"] = STATUS_ZH
    return env


def render(result, template: str = "score.md.j2", **extra) -> str:
    text = _environment().get_template(template).render(r=result, **extra)
    return redact(text)
