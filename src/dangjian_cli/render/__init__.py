"""Renderers: each turns one ``Result`` into a format (table, json, markdown, csv, xlsx)."""

STATUS_ZH = {"pass": "达标", "partial": "部分达标", "fail": "未达标", "manual": "待实地核查", "n/a": "不适用", "waived": "豁免"}


def fmt_points(value) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text
