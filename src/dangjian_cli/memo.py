"""Bounded per-process memos: a worker scores thousands of branches, so what it remembers must not grow
with them. Emptied when full — simpler than an LRU, and the few values that recur come back at once."""

from __future__ import annotations


def remember(memo: dict, key, value, limit: int):
    """``memo[key] = value`` within ``limit`` entries; returns ``value``."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value
