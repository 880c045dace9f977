"""Masking of personal identifiers (身份证号, phone numbers) in anything dj prints or writes."""

from __future__ import annotations

import re

# An 18-character 身份证号 (last may be X) or a 15-digit old one; an 11-digit mainland mobile;
# a landline with area code. Bounded by non-digits so that amounts and dates are left alone.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])|(?<!\d)(\d{6})(\d{5})(\d{4})(?!\d)")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})([-－ ]?)(\d{3,4})(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """4419**********1234: keep the region prefix and the last four characters."""
    text = str(value).strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(value: str) -> str:
    """138****5678: keep the first three and last four digits."""
    text = str(value).strip()
    if len(text) <= 7:
        return text[:1] + "*" * max(len(text) - 1, 0)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def redact(text: str) -> str:
    """Mask every 身份证号 and phone number that appears anywhere in a piece of output text."""
    if not text:
        return text

    def _id(m: re.Match) -> str:
        return mask_id_number(m.group(0))

    text = _ID_RE.sub(_id, text)
    text = _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    text = _LANDLINE_RE.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)) + m.group(4), text)
    return text
