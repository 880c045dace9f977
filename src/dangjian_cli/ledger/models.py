"""Typed, immutable ledger records — what the rules see. Built only by the loader."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from dangjian_cli.periods import Month


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class Evidence(Record):
    """One referenced file, resolved at load time so that rules never touch the disk."""

    path: str
    status: Literal["ok", "missing", "rejected"]
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def all_ok(evidence: tuple[Evidence, ...]) -> bool:
    return bool(evidence) and all(e.ok for e in evidence)


class CommitteeMember(Record):
    name: str
    role: str
    approved: dt.date | None = None
    approval: tuple[Evidence, ...] = ()
    source: str = ""


class Branch(Record):
    name: str
    type: str
    parent: str | None = None
    unit: str | None = None
    unit_type: str | None = None
    town: str | None = None
    established: dt.date | None = None
    term_start: dt.date | None = None
    term_years: int = 3
    committee: tuple[CommitteeMember, ...] = ()
    groups: tuple[str, ...] = ()
    instructor: str | None = None
    party_workers: tuple[str, ...] = ()
    phone: str | None = None

    def holders(self, role: str) -> list[CommitteeMember]:
        return [c for c in self.committee if c.role == role]

    @property
    def secretary(self) -> str | None:
        found = self.holders("书记")
        return found[0].name if found else None


class Member(Record):
    name: str
    category: str
    gender: str | None = None
    birth: dt.date | None = None
    education: str | None = None
    id_number: str | None = None
    phone: str | None = None
    joined: dt.date | None = None
    confirmed: dt.date | None = None
    relation_here: bool = True
    group: str | None = None
    job: str | None = None
    management: bool | None = None
    investor: bool | None = None
    mobile: bool | None = None
    left: dt.date | None = None
    source: str = ""

    def present_during(self, first: dt.date, last: dt.date) -> bool:
        return (self.joined is None or self.joined <= last) and (self.left is None or self.left >= first)

    def present_on(self, day: dt.date) -> bool:
        return self.present_during(day, day)


class Meeting(Record):
    date: dt.date
    types: tuple[str, ...]
    topic: str | None = None
    group: str | None = None
    host: str | None = None
    lecturer: str | None = None
    expected: int | None = None
    present: int | None = None
    minutes: tuple[Evidence, ...] = ()
    source: str = ""


class Training(Record):
    name: str
    date: dt.date | None = None
    title: str | None = None
    kind: str | None = None
    days: Decimal | None = None
    hours: Decimal | None = None
    organiser: str | None = None
    evidence: tuple[Evidence, ...] = ()
    source: str = ""


class DuesPayment(Record):
    name: str
    first: Month
    last: Month
    amount: Decimal | None = None
    paid: dt.date | None = None
    evidence: tuple[Evidence, ...] = ()
    source: str = ""

    def covers(self, month: Month) -> bool:
        return self.first <= month <= self.last


class Document(Record):
    kind: str
    title: str | None = None
    year: int | None = None
    files: tuple[Evidence, ...] = ()
    source: str = ""


class Facility(Record):
    item: str
    present: bool
    evidence: tuple[Evidence, ...] = ()
    source: str = ""


class Honor(Record):
    date: dt.date | None
    kind: str
    level: str | None = None
    title: str | None = None
    recipient: str | None = None
    evidence: tuple[Evidence, ...] = ()
    source: str = ""


class SelfAssessment(Record):
    indicator: str
    score: Decimal
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None
    source: str = ""


class Waiver(Record):
    """豁免: an indicator (or one of its rules) the superior has excused, until a date."""

    indicator: str
    rule: str | None = None
    reason: str
    approved_by: str
    approved: dt.date | None = None
    expires: dt.date
    source: str = ""


class Ledger(Record):
    path: str
    branch: Branch
    members: tuple[Member, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    trainings: tuple[Training, ...] = ()
    dues: tuple[DuesPayment, ...] = ()
    documents: tuple[Document, ...] = ()
    facilities: tuple[Facility, ...] = ()
    honors: tuple[Honor, ...] = ()
    self_assessment: dict[str, SelfAssessment] = {}
    waivers: tuple[Waiver, ...] = ()

    def member(self, name: str) -> Member | None:
        for m in self.members:
            if m.name == name:
                return m
        return None
