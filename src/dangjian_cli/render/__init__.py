"""Renderers: each turns one ``Result`` into a format (table, json, markdown, csv, xlsx)."""

STATUS_ZH = {"pass": "达标", "partial": "部分达标", "fail": "未达标", "manual": "待实地核查", "n/a": "不适用", "waived": "豁免"}


def rating_text(rating, rubric: dict | None = None) -> str:
    """The tier reached, or the rubric's own words for none (五星级 rubric: 未达星级)."""
    return rating or (rubric or {}).get("unrated") or "未达等级"


def fmt_points(value) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text
