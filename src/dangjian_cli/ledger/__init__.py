"""Reading a branch folder: ``load(folder) -> Ledger`` (typed, validated, immutable)."""

from dangjian_cli.ledger.loader import load
from dangjian_cli.ledger.models import Ledger

__all__ = ["load", "Ledger"]
