"""Masking of personal identifiers (身份证号, phone numbers) in anything dj prints or writes."""

from __future__ import annotations

import re

# An 18-character 身份证号 (last may be X) or a 15-digit old one — also when written in groups
# (441900 19900101 1234) or glued to letters (ID441900…, evidence/sfz441900….jpg); an 11-digit mainland
# mobile, with or without +86/0086 and with - or space between its groups; a landline with area code
# (0769-22881234, (0769)2288-1234). Bounded by non-digits so that amounts and dates are left alone.
_SEP = r"[-－ ]?"
_ID_RE = re.compile(rf"(?<!\d)\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?!\d)|(?<!\d)\d{{6}}{_SEP}\d{{5}}{_SEP}\d{{4}}(?!\d)")
_MOBILE_RE = re.compile(rf"(?<!\d)((?:\+|00)?86{_SEP})?(1[3-9]\d)({_SEP})(\d{{4}})({_SEP})(\d{{4}})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})([-－ )）]?)(\d{3,4})([-－ ]?)(\d{4})(?!\d)")


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


# Every match of the three patterns lies inside one run of these characters, and their look-arounds only
# look at digits, so masking each maximal run alone gives the same text — and skips most of the output.
_CANDIDATE_RE = re.compile(r"[\d+(（][\d+()（）Xx \-－]{6,}")


def _mask_run(m: re.Match) -> str:
    text = _ID_RE.sub(lambda i: mask_id_number(i.group(0)), m.group(0))
    text = _MOBILE_RE.sub(lambda m: (m.group(1) or "") + m.group(2) + m.group(3) + "****" + m.group(5) + m.group(6),
                          text)
    return _LANDLINE_RE.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)) + m.group(4) + m.group(5), text)


def redact(text: str) -> str:
    """Mask every 身份证号 and phone number that appears anywhere in a piece of output text."""
    if not text:
        return text
    return _CANDIDATE_RE.sub(_mask_run, text)
