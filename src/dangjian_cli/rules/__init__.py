"""The rules engine's vocabulary: one module per rule kind, registered here by name."""

from dangjian_cli.rules import checklist, committee, count, documents, dues, frequency, honors, manual, share, term, training

RULES = {module.KIND: module for module in (
    frequency, documents, checklist, training, dues, count, share, committee, honors, term, manual,
)}

__all__ = ["RULES"]
