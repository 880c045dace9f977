"""Deterministic synthetic 台账 (branch ledger folders) for examples, tests and benchmarks.

Everything here is invented: firms, people, 身份证号 and phone numbers are generated from a seed (the
身份证号 carry a valid check digit and a Dongguan 4419 prefix so that masking can be tested). A branch is
described by a :class:`BranchSpec`; :func:`write_branch` writes one complete folder laid out exactly as the
ledger contract (LEDGER.md) describes: ``branch.yaml``, the record files as ``.xlsx`` or ``.yaml`` (same
rows, Chinese headers/keys), ``self_assessment.yaml`` and an ``evidence/`` tree of tiny placeholder files.

With no gap knobs the folder satisfies every rule of the default rubric for every period of the covered
years. Each gap knob removes exactly the named unit and nothing else:

* ``missing_meetings``: ``(type, period)`` — no event of that canonical type dated inside the period
  (``"2025-07"``, ``"2025-Q3"``, ``"2025-H1"``, ``"2025"``). ``"党小组会:第一党小组"`` limits it to one group;
  ``"党课:书记"`` keeps the 党课 but gives no 党课 in the period a secretary as lecturer. A record serving
  several types (``组织生活会、民主评议党员``) only loses the named type.
* ``unpaid_dues``: ``(member name, "2025-09")`` — that member-month is not paid.
* ``missing_photos``: facility items whose 实景图片 path is written but whose file is not created.
* ``missing_documents``: document kinds (or ``"kind:2025"``) whose index row is left out.
* ``missing_files``: any referenced evidence path whose file is not created.
* ``random_gap_rate``: every due unit (meeting type × period × group, member-month of dues, facility photo,
  document, training, honour) is dropped independently with this probability.

A knob that matches nothing raises ``ValueError`` (so a typo never yields a silently complete ledger).

The xlsx files are written by a small stdlib writer (shared strings, real date cells with Chinese number
formats, frozen header); it is fast (1,000 branches in about 25 s) and byte-for-byte deterministic.
``xlsx_engine="openpyxl"`` writes the same cells through openpyxl instead.

Run ``python -m dangjian_cli.synth ROOT -n 100`` to write a benchmark tree.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import io
import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

__all__ = [
    "BranchSpec",
    "Gap",
    "Ledger",
    "build_ledger",
    "write_branch",
    "generate",
    "random_spec",
    "TABLE_HEADERS",
    "FACILITY_ITEMS",
]

# ---------------------------------------------------------------------------------------------------------
# Vocabulary (mirrors LEDGER.md)

MEETING_TYPES = (
    "支部党员大会", "支部委员会", "党小组会", "党课", "组织生活会", "民主生活会", "民主评议党员", "主题党日",
    "集中学习", "廉政教育", "谈心谈话", "党务公开", "服务活动", "创先争优", "党员信息更新", "其他",
)
_TYPE_ALIASES = {
    "党员大会": "支部党员大会", "支部大会": "支部党员大会",
    "支委会": "支部委员会", "支委会议": "支部委员会", "党委会": "支部委员会", "总支委员会": "支部委员会",
    "民主评议": "民主评议党员", "学习": "集中学习", "党员学习": "集中学习",
    "三服务": "服务活动", "志愿服务": "服务活动", "联系服务群众": "服务活动",
    "评优": "创先争优", "表彰活动": "创先争优", "信息更新": "党员信息更新", "系统更新": "党员信息更新",
}
# the alias a branch with use_aliases=True writes instead of the canonical name
_WRITTEN_ALIAS = {
    "支部委员会": "支委会", "支部党员大会": "党员大会", "集中学习": "党员学习", "服务活动": "三服务",
    "党员信息更新": "信息更新", "民主评议党员": "民主评议", "创先争优": "评优",
}

FACILITY_ITEMS = (
    "党组织牌匾", "办公室", "办公设备", "文件资料柜", "公示栏", "党旗", "党徽", "党员活动室", "桌椅",
    "电视投影设备", "报刊书籍", "档案资料柜", "入党誓词", "党员权利义务", "宣传栏", "党员形象墙", "通讯员",
    "微信公众号关注", "组织架构上墙", "信访举报公布",
)
_RULES = ("学习制度", "三会一课制度", "组织生活会制度", "民主评议制度", "党务公开制度", "民主监督制度",
          "联系服务群众制度", "党费管理制度")
_RULE_TITLES = {
    "学习制度": "党员学习制度", "三会一课制度": "“三会一课”制度", "组织生活会制度": "组织生活会制度",
    "民主评议制度": "民主评议党员制度", "党务公开制度": "党务公开制度", "民主监督制度": "党内民主监督制度",
    "联系服务群众制度": "党员联系服务群众制度", "党费管理制度": "党费及党建专项经费管理制度",
}
_YEARLY_DOCS = ("年度工作计划", "教育培训计划", "发展党员计划", "党风廉政教育计划", "年度总结", "述职报告")
_YEARLY_TITLES = {
    "年度工作计划": "{y}年党建工作计划", "教育培训计划": "{y}年党员教育培训计划",
    "发展党员计划": "{y}年发展党员工作计划", "党风廉政教育计划": "{y}年党风廉政教育工作计划",
    "年度总结": "{y}年党建工作总结", "述职报告": "{y}年度党组织书记抓党建工作述职报告",
}
_REGISTERS = ("会议记录簿", "党员花名册", "入党积极分子花名册", "流动党员花名册", "考勤册")
DOCUMENT_KINDS = (*_RULES, "年度工作计划", "教育培训计划", "发展党员计划", "党风廉政教育计划", *_REGISTERS,
                  "成立批复", "书记批复", "副书记批复", "年度总结", "述职报告", "其他")

# Record files: (file stem, sheet name, [(header, cell kind)]).  Cell kinds: text, textfmt (Excel text
# format '@', for 身份证号/手机), date_cn (yyyy"年"m"月"d"日"), date_iso (yyyy-mm-dd), int, money.
_TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "members": ("党员名册", [
        ("姓名", "text"), ("类别", "text"), ("性别", "text"), ("出生日期", "date_cn"), ("学历", "text"),
        ("身份证号", "textfmt"), ("手机", "textfmt"), ("入党日期", "date_cn"), ("转正日期", "date_cn"),
        ("组织关系在本支部", "text"), ("党小组", "text"), ("单位职务", "text"), ("管理层", "text"),
        ("出资人", "text"), ("流动党员", "text"), ("转出日期", "date_cn"),
    ]),
    "meetings": ("会议台账", [
        ("日期", "date_iso"), ("类型", "text"), ("主题", "text"), ("党小组", "text"), ("主持人", "text"),
        ("讲课人", "text"), ("应到", "int"), ("实到", "int"), ("纪要", "text"),
    ]),
    "trainings": ("培训记录", [
        ("姓名", "text"), ("日期", "date_cn"), ("培训名称", "text"), ("类型", "text"), ("天数", "int"),
        ("学时", "int"), ("主办单位", "text"), ("证明材料", "text"),
    ]),
    "dues": ("党费收缴", [
        ("姓名", "text"), ("月份", "text"), ("金额", "money"), ("缴纳日期", "date_iso"), ("证明材料", "text"),
    ]),
    "documents": ("文件索引", [("类别", "text"), ("标题", "text"), ("年度", "int"), ("文件", "text")]),
    "facilities": ("阵地建设", [("项目", "text"), ("是否具备", "text"), ("实景图片", "text")]),
    "honors": ("品牌建设", [
        ("日期", "date_cn"), ("类别", "text"), ("级别", "text"), ("名称", "text"), ("对象", "text"),
        ("证明材料", "text"),
    ]),
}
TABLE_HEADERS: dict[str, list[str]] = {
    stem: [h for h, _ in cols if h != "转出日期"] for stem, (_, cols) in _TABLES.items()
}
"""Headers each record file has (members also gets 转出日期 when a member has left)."""

_MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}

# ---------------------------------------------------------------------------------------------------------
# Spec


@dataclass
class BranchSpec:
    """What one synthetic branch looks like.  Every field has a sensible default.

    Names left empty are generated from ``seed``.  ``vice_secretary``: ``""`` = a generated one when the
    branch has ≥ 7 正式党员 (or is a 党委), ``None`` = no 副书记, else that name.  ``committee``: the other
    班子 members as ``(name, role)``; ``None`` = generated by size.  ``member_names`` are used first for the
    remaining 正式党员, then 预备党员, then 积极分子 (handy for naming a gap's member).
    """

    name: str = "广东某某律师事务所党支部"
    unit: str = ""
    type: str = "党支部"
    parent: str = "中共东莞市律师行业委员会"
    unit_type: str = "律师事务所"
    town: str = "南城街道"
    established: dt.date = dt.date(2016, 5, 20)
    years: Sequence[int] = (2025,)
    formal: int = 10
    probationary: int = 1
    activists: int = 2
    groups: int | Sequence[str] = 0
    secretary: str = ""
    vice_secretary: str | None = ""
    committee: list[tuple[str, str]] | None = None
    instructor: str | None = ""
    party_workers: list[str] | None = None
    member_names: list[str] = field(default_factory=list)
    relation_elsewhere: int = 0  # 正式党员 whose 组织关系 is elsewhere (written as 流动党员)
    left_members: int = 0  # 正式党员 who transferred out during the last covered year
    term_start: dt.date | None = None  # default: chosen so the term covers the years
    phone: str = ""
    seed: int = 0
    # style
    use_aliases: bool = False  # write 支委会/党员大会/… instead of the canonical type names
    cn_builtin_dates: bool = False  # Chinese date columns as built-in numFmtId 31 (as WPS writes)
    # gap knobs
    missing_meetings: list[tuple[str, str]] = field(default_factory=list)
    unpaid_dues: list[tuple[str, str]] = field(default_factory=list)
    missing_photos: list[str] = field(default_factory=list)
    missing_documents: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    random_gap_rate: float = 0.0


@dataclass(frozen=True)
class Gap:
    """One unit the generator left out: kind is meeting/lecturer/dues/photo/document/training/honor/file."""

    kind: str
    what: str  # canonical meeting type, member name, item, document kind, path …
    period: str = ""  # "2025-07", "2025-Q3", "2025" …
    group: str = ""

    def __str__(self) -> str:
        parts = [self.kind, self.what, self.period, self.group]
        return " ".join(p for p in parts if p)


@dataclass
class Ledger:
    """The generated content of one branch folder, before it is written."""

    spec: BranchSpec
    branch_yaml: str
    self_assessment_yaml: str
    tables: dict[str, list[dict[str, Any]]]  # stem → rows keyed by Chinese header; None = empty cell
    files: dict[str, bytes]  # evidence files that exist (relative path → content)
    referenced: set[str]  # every evidence path written into a record
    dropped: list[Gap]

    def headers(self, stem: str) -> list[str]:
        cols = [h for h, _ in _TABLES[stem][1]]
        if stem == "members" and not any(r.get("转出日期") for r in self.tables["members"]):
            cols.remove("转出日期")
        return cols

    @property
    def row_counts(self) -> dict[str, int]:
        return {stem: len(rows) for stem, rows in self.tables.items()}


# ---------------------------------------------------------------------------------------------------------
# Names and personal data

_SURNAMES = "陈李黄张王刘林叶梁何钟罗郑莫卢袁邓蔡谢赖杨吴周徐朱方麦冯曾彭苏尹翟祁"
_MALE = "伟强军志明华建国斌俊杰涛鹏浩宇辉锋文荣德健永振海达坚启航卫东晖"
_FEMALE = "丽芳敏婷静玲燕霞娟雪慧颖琳洁倩欣怡思晓佳嘉萍雅琪珊婉雯"
_MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "186", "187", "188",
                    "189", "130", "131", "132", "155", "156", "133", "153", "180", "181", "177", "199")
_FIRM_WORDS = ("莞信", "粤衡", "鼎正", "明律", "聚法", "正乾", "衡信", "卓理", "弘法", "鹏莞", "诚恒", "博睿",
               "立衡", "德莞", "尚法", "维正", "信和", "启明", "兆衡", "凯诚", "华莞", "远卓", "鸿信", "景程")
_TOWNS = ("南城街道", "东城街道", "莞城街道", "万江街道", "松山湖", "虎门镇", "长安镇", "常平镇", "塘厦镇",
          "厚街镇", "寮步镇", "大朗镇", "凤岗镇", "清溪镇")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _id_number(rng: random.Random, birth: dt.date, male: bool) -> str:
    body = f"441900{birth:%Y%m%d}{rng.randint(10, 99)}{rng.choice('13579' if male else '02468')}"
    return body + _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


def _mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


class _Names:
    def __init__(self, rng: random.Random, taken: Iterable[str] = ()):
        self.rng = rng
        self.taken = set(taken)

    def new(self, male: bool | None = None) -> tuple[str, bool]:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.55
        pool = _MALE if male else _FEMALE
        for _ in range(1000):
            given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
            name = rng.choice(_SURNAMES) + given
            if name not in self.taken:
                self.taken.add(name)
                return name, male
        raise RuntimeError("ran out of names")  # pragma: no cover


_FEMALE_SET = set(_FEMALE)


def _guess_male(name: str) -> bool:
    return not (set(name[1:]) & _FEMALE_SET)


# ---------------------------------------------------------------------------------------------------------
# Dates and periods

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")


def _parse_period(label: str) -> tuple[dt.date, dt.date]:
    m = _PERIOD_RE.match(label.strip())
    if not m:
        raise ValueError(f"bad period label {label!r} (expected 2025-07, 2025-Q3, 2025-H1 or 2025)")
    year = int(m.group(1))
    if m.group(2):
        first = last = int(m.group(2))
        if not 1 <= first <= 12:
            raise ValueError(f"bad month in {label!r}")
    elif m.group(3):
        first = 3 * int(m.group(3)) - 2
        last = first + 2
    elif m.group(4):
        first = 6 * int(m.group(4)) - 5
        last = first + 5
    else:
        first, last = 1, 12
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def _label(kind: str, year: int, month: int) -> str:
    if kind == "month":
        return f"{year}-{month:02d}"
    if kind == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if kind == "half":
        return f"{year}-H{(month - 1) // 6 + 1}"
    return str(year)


def _workday(year: int, month: int, day: int) -> dt.date:
    """The date, moved forward to a Monday–Friday (day ≤ 26 keeps it inside the month)."""
    d = dt.date(year, month, day)
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------------------------------------
# Topics

_COMMITTEE_TOPICS = {
    1: "研究{y}年度党建工作计划和教育培训计划", 2: "研究部署春节后党员思想动态摸排工作",
    3: "讨论入党积极分子培养考察情况", 4: "研究“三服务”公益法律服务活动安排", 5: "研究党费收缴及使用管理情况",
    6: "研究“七一”系列活动和评优表彰方案", 7: "听取各党小组上半年工作汇报", 8: "研究发展对象政治审查情况",
    9: "研究党员教育培训落实情况", 10: "研究党务公开和民主监督工作", 11: "研究年度民主评议党员工作方案",
    12: "研究{y}年党建工作总结和述职报告",
}
_STUDY_TOPICS = (
    "学习习近平新时代中国特色社会主义思想", "学习党的二十大报告", "学习党的二十届三中全会精神",
    "学习《中国共产党章程》", "学习习近平法治思想", "学习全国两会精神", "学习中央八项规定及其实施细则精神",
    "学习《中国共产党党员教育管理工作条例》", "学习《中国共产党纪律处分条例》",
    "学习全国律师行业党建工作会议精神", "学习《中国共产党支部工作条例（试行）》", "学习新修订的《律师执业行为规范》",
)
_GROUP_TOPICS = (
    "党小组学习讨论：{s}", "交流业务工作中发挥党员先锋模范作用情况", "讨论本小组“双培”工作情况",
    "党小组集体学习并开展交流发言", "结合办案实践交流学习体会",
)
_ASSEMBLY_TOPICS = {
    1: "通报{p}年度党建工作总结，部署{y}年度党建工作", 2: "讨论接收预备党员，表彰优秀共产党员",
    3: "传达学习上级党委会议精神", 4: "审议年度党费收缴使用情况，讨论发展对象",
}
_SERVICE_TOPICS = (
    "开展“法律服务进社区”公益法律咨询活动", "为辖区中小企业开展“法治体检”", "参与镇街信访接待值班，提供法律意见",
    "开展“送法进校园”普法宣传活动", "开展“宪法宣传周”普法志愿服务", "为困难群众提供法律援助咨询",
)
_TALK_TOPICS = (
    "书记与党员逐一开展谈心谈话，了解思想动态", "支委与青年律师党员谈心谈话", "针对执业中的苗头性问题开展谈心提醒",
    "与预备党员、入党积极分子谈心谈话",
)


# ---------------------------------------------------------------------------------------------------------
# Model building


@dataclass
class _Member:
    name: str
    category: str
    male: bool
    birth: dt.date
    education: str
    id_number: str
    phone: str
    joined: dt.date | None
    confirmed: dt.date | None
    relation_here: bool
    job: str
    management: bool
    investor: bool
    mobile: bool = False
    group: str | None = None
    left: dt.date | None = None

    def party(self) -> bool:
        return self.category in ("正式党员", "预备党员")

    def present_on(self, day: dt.date) -> bool:
        return (self.joined is None or self.joined <= day) and (self.left is None or self.left >= day)

    def owes(self, year: int, month: int) -> bool:
        first, last = dt.date(year, month, 1), _month_end(year, month)
        return (self.party() and self.relation_here and (self.joined is None or self.joined <= last)
                and (self.left is None or self.left >= first))


@dataclass
class _Event:
    date: dt.date
    types: list[str]
    topic: str
    group: str | None = None
    host: str | None = None
    lecturer: str | None = None
    expected: int | None = None
    present: int | None = None
    photo: bool = False  # also a 签到表 photo


def _education(rng: random.Random, job: str) -> str:
    if job in ("行政", "行政主管"):
        return rng.choice(("本科", "本科", "大专"))
    return rng.choices(("博士研究生", "硕士研究生", "本科"), weights=(5, 40, 55))[0]


def _group_names(groups: int | Sequence[str]) -> list[str]:
    if isinstance(groups, int):
        if not 0 <= groups <= 9:
            raise ValueError("groups must be 0..9")
        return [f"第{'一二三四五六七八九'[i]}党小组" for i in range(groups)]
    return list(groups)


class _Builder:
    def __init__(self, spec: BranchSpec):
        if spec.type not in ("党委", "党总支", "党支部", "联合党支部", "临时党支部"):
            raise ValueError(f"unknown branch type {spec.type!r}")
        if not spec.years:
            raise ValueError("years must not be empty")
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.gap_rng = random.Random(f"{spec.seed}:gaps")
        self.years = sorted(spec.years)
        self.unit = spec.unit or re.sub(r"(联合)?党(支部|总支|委)$", "", spec.name) or spec.name
        self.groups = _group_names(spec.groups)
        self.files: dict[str, bytes] = {}
        self.referenced: set[str] = set()
        self.dropped: list[Gap] = []
        self._missing_files = {p.replace("\\", "/") for p in spec.missing_files}

    # -- helpers ------------------------------------------------------------------------------------------

    def drop(self) -> bool:
        rate = self.spec.random_gap_rate
        return bool(rate) and self.gap_rng.random() < rate

    def evidence(self, path: str, content: bytes | None = None, title: str = "") -> str:
        """Reference an evidence file (created unless a knob says it is missing)."""
        if path in self._missing_files:
            if path not in self.referenced:
                self.dropped.append(Gap("file", path))
        elif path not in self.files:
            self.files[path] = content if content is not None else _pdf(title or path)
        self.referenced.add(path)
        return path

    # -- people -------------------------------------------------------------------------------------------

    def build_people(self) -> None:
        spec, rng = self.spec, self.rng
        first_year, last_year = self.years[0], self.years[-1]
        explicit = [spec.secretary, spec.vice_secretary or "", spec.instructor or "",
                    *(n for n, _ in spec.committee or ()), *(spec.party_workers or ()), *spec.member_names]
        names = _Names(rng, (n for n in explicit if n))

        # 班子
        formal = spec.formal
        if spec.committee is not None:
            others = list(spec.committee)
        else:
            roles = (["组织委员", "宣传委员", "纪检委员"] if formal >= 7 else
                     ["组织委员", "宣传委员"] if formal >= 5 else ["组织委员"] if formal >= 2 else [])
            others = [(names.new()[0], role) for role in roles]
        secretary = spec.secretary or names.new(male=rng.random() < 0.7)[0]
        vice = spec.vice_secretary
        if vice == "":
            vice = names.new()[0] if (formal >= 7 or spec.type == "党委") else None
        committee = [(secretary, "书记")] + ([(vice, "副书记")] if vice else []) + others
        if len({n for n, _ in committee}) != len(committee):
            raise ValueError("committee names must be distinct")
        if spec.instructor == "":
            self.instructor = names.new()[0]
        else:
            self.instructor = spec.instructor
        self.secretary, self.vice = secretary, vice
        self.committee = committee

        # party workers: one 行政主管 member when there is room, else the 组织委员 / secretary
        committee_names = [n for n, _ in committee]
        if spec.party_workers is not None:
            workers = list(spec.party_workers)
        elif formal > len(committee):
            workers = [names.new(male=False)[0]]
        else:
            workers = [committee_names[1] if len(committee_names) > 1 else secretary]
        self.party_workers = workers

        formal_names = list(committee_names)
        for n in workers:
            if n not in formal_names:
                formal_names.append(n)
        extra = [n for n in spec.member_names if n not in formal_names]
        while len(formal_names) < formal:
            formal_names.append(extra.pop(0) if extra else names.new()[0])
        if len(formal_names) > formal:
            raise ValueError(f"formal={formal} is fewer than the committee and party workers ({len(formal_names)})")
        probationary = [extra.pop(0) if extra else names.new()[0] for _ in range(spec.probationary)]
        activists = [extra.pop(0) if extra else names.new()[0] for _ in range(spec.activists)]

        members: list[_Member] = []
        roles = dict(committee)
        for index, name in enumerate(formal_names):
            role = roles.get(name)
            if role == "书记":
                job = "主任"
            elif role == "副书记":
                job = "合伙人"
            elif name in workers and role is None:
                job = "行政主管"
            elif role:
                job = rng.choice(("合伙人", "律师"))
            else:
                job = rng.choices(("合伙人", "律师", "实习律师", "行政"), weights=(25, 50, 10, 15))[0]
            senior = job in ("主任", "合伙人")
            birth = dt.date(rng.randint(1966, 1982) if senior else rng.randint(1978, 1998), rng.randint(1, 12),
                            rng.randint(1, 28))
            joined = dt.date(min(birth.year + rng.randint(19, 28), first_year - 2), rng.randint(1, 12),
                             rng.randint(1, 28))
            members.append(self._member(name, "正式党员", birth, job, joined, _add_years(joined, 1)))
        for name in probationary:
            birth = dt.date(rng.randint(1990, 2000), rng.randint(1, 12), rng.randint(1, 28))
            joined = _workday(last_year, rng.randint(1, 6), rng.randint(1, 26))
            members.append(self._member(name, "预备党员", birth, rng.choice(("律师", "实习律师")), joined, None))
        for index, name in enumerate(activists):
            birth = dt.date(rng.randint(1985, 2001), rng.randint(1, 12), rng.randint(1, 28))
            job = rng.choices(("合伙人", "律师", "实习律师", "行政"), weights=(15, 50, 25, 10))[0]
            category = "发展对象" if index % 2 else "入党积极分子"
            members.append(self._member(name, category, birth, job, None, None))

        # 组织关系不在本支部 (流动党员) and transfers out: ordinary formal members from the end of the list
        ordinary = [m for m in members if m.category == "正式党员" and m.name not in roles and m.name not in workers
                    and m.name not in spec.member_names]
        ordinary.reverse()
        if spec.relation_elsewhere + spec.left_members > len(ordinary):
            raise ValueError("not enough ordinary 正式党员 for relation_elsewhere/left_members")
        for m in ordinary[: spec.relation_elsewhere]:
            m.relation_here, m.mobile = False, True
        for m in ordinary[spec.relation_elsewhere: spec.relation_elsewhere + spec.left_members]:
            m.left = _workday(last_year, rng.randint(4, 10), rng.randint(1, 26))

        # 党小组: every party member, round robin; the first non-secretary is the 组长
        self.group_members: dict[str, list[_Member]] = {g: [] for g in self.groups}
        if self.groups:
            party = [m for m in members if m.party()]
            if len(party) < len(self.groups):
                raise ValueError("more 党小组 than party members")
            ordered = [m for m in party if m.name != secretary] + [m for m in party if m.name == secretary]
            for i, m in enumerate(ordered):
                m.group = self.groups[i % len(self.groups)]
                self.group_members[m.group].append(m)
        self.members = members
        here = [m for m in members if m.party() and m.relation_here]
        self.attendees = here

    def _member(self, name: str, category: str, birth: dt.date, job: str, joined: dt.date | None,
                confirmed: dt.date | None) -> _Member:
        rng = self.rng
        male = _guess_male(name) if rng.random() < 0.9 else rng.random() < 0.5
        senior = job in ("主任", "合伙人")
        return _Member(
            name=name, category=category, male=male, birth=birth, education=_education(rng, job),
            id_number=_id_number(rng, birth, male), phone=_mobile(rng), joined=joined, confirmed=confirmed,
            relation_here=True, job=job, management=senior or job == "行政主管", investor=senior,
        )

    def expected(self, day: dt.date, people: Iterable[_Member] | None = None) -> int:
        return sum(1 for m in (self.attendees if people is None else people) if m.present_on(day))

    def attendance(self, expected: int) -> int:
        absent = self.rng.choice((0, 0, 0, 1, 1, 2)) if expected > 3 else 0
        return expected - min(absent, expected // 3)

    # -- meetings -----------------------------------------------------------------------------------------

    def plan_meetings(self) -> list[_Event]:
        spec, rng = self.spec, self.rng
        est = spec.established
        events: list[_Event] = []
        secretary = self.secretary
        committee_names = [n for n, _ in self.committee]
        study_host = self.vice or next((n for n, r in self.committee if r == "宣传委员"), secretary)
        study_cycle = list(_STUDY_TOPICS)
        rng.shuffle(study_cycle)
        discipline = "学习《中国共产党纪律处分条例》"

        def in_scope(year: int, month: int, kind: str) -> bool:
            first_month = month - (month - 1) % _MONTHS_PER[kind]
            return dt.date(year, first_month, 1) >= est

        def add(year: int, month: int, lo: int, hi: int, types: list[str], topic: str,
                host: str | None = secretary, photo: bool = False) -> _Event:
            day = _workday(year, month, rng.randint(lo, hi))
            exp = self.expected(day)
            event = _Event(day, types, topic, host=host, expected=exp, present=self.attendance(exp), photo=photo)
            events.append(event)
            return event

        for year in self.years:
            topics = [t for t in study_cycle if t != discipline]
            for month in range(1, 13):
                if not in_scope(year, month, "month"):
                    continue
                day = _workday(year, month, rng.randint(3, 8))
                n = len(committee_names)
                events.append(_Event(day, ["支部委员会"], _COMMITTEE_TOPICS[month].format(y=year),
                                     host=secretary, expected=n, present=n - int(n > 2 and rng.random() < 0.15)))
                if month == 7:
                    add(year, month, 10, 16, ["主题党日", "集中学习"],
                        "“七一”主题党日：重温入党誓词，" + topics[(month - 1) % len(topics)], host=study_host)
                else:
                    add(year, month, 10, 16, ["集中学习"],
                        discipline if month == 3 else topics[(month - 1) % len(topics)], host=study_host)
                for g in self.groups:
                    people = self.group_members[g]
                    day = _workday(year, month, rng.randint(18, 24))
                    topic = rng.choice(_GROUP_TOPICS).format(s=topics[(month - 1) % len(topics)])
                    exp = self.expected(day, people)
                    leader = people[0].name if people else secretary
                    events.append(_Event(day, ["党小组会"], topic, group=g, host=leader, expected=exp,
                                         present=self.attendance(exp)))
            for q in range(1, 5):
                m0 = 3 * q - 2
                if not in_scope(year, m0, "quarter"):
                    continue
                ordinal = "一二三四"[q - 1]
                add(year, m0, 3, 9, ["党务公开"], f"公开第{ordinal}季度党费收缴、党建活动开展情况",
                    host=self.party_workers[0])
                add(year, m0 + 1, 20, 26, ["支部党员大会"], _ASSEMBLY_TOPICS[q].format(y=year, p=year - 1), photo=True)
                add(year, m0 + 1, 10, 18, ["服务活动"], rng.choice(_SERVICE_TOPICS), photo=True)
                add(year, m0 + 2, 8, 14, ["党课"], "")  # lecturer and topic decided once the gaps are known
                add(year, m0 + 2, 15, 19, ["谈心谈话"], rng.choice(_TALK_TOPICS))
                if q == 4:
                    add(year, 12, 22, 26, ["组织生活会", "民主评议党员"], f"召开{year}年度组织生活会暨民主评议党员大会")
                else:
                    add(year, m0 + 2, 22, 26, ["组织生活会"], f"召开第{ordinal}季度组织生活会，开展批评与自我批评")
                add(year, m0 + 2, 20, 26, ["党员信息更新"], f"在全国党员管理信息系统更新党员信息（第{ordinal}季度）",
                    host=self.party_workers[0])
            if in_scope(year, 1, "half"):
                add(year, 5, 12, 20, ["廉政教育"], "学习贯彻《中国共产党廉洁自律准则》，开展廉政风险防控教育")
            if in_scope(year, 7, "half"):
                add(year, 11, 12, 20, ["廉政教育"], "观看警示教育片，学习《中国共产党纪律处分条例》")
            if in_scope(year, 1, "year"):
                add(year, 6, 22, 26, ["创先争优"], "开展“七一”评选表彰优秀共产党员活动", photo=True)
                if spec.type == "党委":
                    add(year, 12, 8, 12, ["民主生活会"], f"召开{year}年度党委班子民主生活会")
        events.sort(key=lambda e: (e.date, MEETING_TYPES.index(e.types[-1]), e.group or ""))
        return events

    def apply_meeting_gaps(self, events: list[_Event]) -> list[_Event]:
        spec = self.spec
        knobs = []
        for raw_type, label in spec.missing_meetings:
            kind, _, group = raw_type.replace("：", ":").partition(":")
            kind = _TYPE_ALIASES.get(kind.strip(), kind.strip())
            if kind not in MEETING_TYPES:
                raise ValueError(f"unknown meeting type {raw_type!r}")
            group = group.strip()
            if group and group != "书记" and group not in self.groups:
                raise ValueError(f"unknown 党小组 {group!r} in {raw_type!r}")
            start, end = _parse_period(label)
            knobs.append([kind, group, start, end, raw_type, label, False])

        kinds = {"支部委员会": "month", "集中学习": "month", "党小组会": "month", "主题党日": "month",
                 "廉政教育": "half", "创先争优": "year", "民主评议党员": "year", "民主生活会": "year"}
        for event in events:
            for t in list(event.types):
                hit = False
                for knob in knobs:
                    kind, group, start, end = knob[:4]
                    if kind == t and group != "书记" and (not group or group == event.group) \
                            and start <= event.date <= end:
                        knob[6] = hit = True
                random_hit = self.drop() if t != "主题党日" else False
                if hit or random_hit:
                    event.types.remove(t)
                    period = _label(kinds.get(t, "quarter"), event.date.year, event.date.month)
                    self.dropped.append(Gap("meeting", t, period, event.group or ""))
        kept = [e for e in events if e.types]

        # 党课 lecturers: the secretary lectures in Q2 and Q4 (else the first quarter held), others otherwise
        def in_years(year: int) -> bool:
            return dt.date(year, 1, 1) >= spec.established

        others = [n for n in (self.instructor, self.vice,
                              next((n for n, r in self.committee if r == "宣传委员"), None),
                              next((n for n, r in self.committee if r == "组织委员"), None)) if n]
        barred = [k for k in knobs if k[0] == "党课" and k[1] == "书记"]
        for year in self.years:
            lectures = [e for e in kept if "党课" in e.types and e.date.year == year]
            allowed = []
            for e in lectures:
                blocked = [k for k in barred if k[2] <= e.date <= k[3]]
                for k in blocked:
                    k[6] = True
                if not blocked:
                    allowed.append(e)
            wanted = [e for e in allowed if e.date.month in (6, 12)] or allowed[:1]
            if wanted and self.drop():
                wanted = []
            if not wanted and in_years(year):
                self.dropped.append(Gap("lecturer", "党课", str(year)))
            for e in lectures:
                i = (e.date.month - 1) // 3  # by quarter, so that a dropped 党课 changes no other row
                if any(e is w for w in wanted):
                    e.lecturer = self.secretary
                    e.topic = "书记讲党课：以高质量党建引领律师事务所高质量发展"
                    continue
                e.lecturer = others[i % len(others)] if others else "市律师行业党委宣讲团成员"
                if e.lecturer == self.instructor:
                    e.topic = "党建工作指导员讲党课：坚持党的领导，做党和人民满意的好律师"
                else:
                    e.topic = ("专题党课：弘扬伟大建党精神", "专题党课：学习贯彻新修订的《中国共产党纪律处分条例》",
                               "专题党课：坚持和发展新时代“枫桥经验”")[i % 3]
        for knob in knobs:
            if not knob[6]:
                raise ValueError(f"gap knob {knob[4]!r} {knob[5]!r} matched no scheduled event")
        return kept

    def meeting_rows(self, events: list[_Event]) -> list[dict]:
        rows = []
        used: set[str] = set()
        sep = "、"
        for e in events:
            types = e.types
            if self.spec.use_aliases:
                written = []
                for t in types:
                    if t == "支部委员会" and self.spec.type == "党委":
                        written.append("党委会")
                    elif t == "支部委员会" and self.spec.type == "党总支":
                        written.append("总支委员会")
                    else:
                        written.append(_WRITTEN_ALIAS.get(t, t))
                types = written
                sep = "+" if len(types) > 1 and e.date.month % 2 else "、"
            stem = f"{e.date.isoformat()}-{e.types[0]}" + (f"-{e.group}" if e.group else "")
            base, n = stem, 2
            while stem in used:
                stem, n = f"{base}-{n}", n + 1
            used.add(stem)
            folder = f"evidence/会议/{e.date.year}"
            paths = [self.evidence(f"{folder}/{stem}.pdf", title=f"{e.date.isoformat()} {e.topic} 会议记录")]
            if e.photo:
                paths.append(self.evidence(f"{folder}/{stem}-签到表.png", _PNG))
            rows.append({
                "日期": e.date, "类型": sep.join(types), "主题": e.topic, "党小组": e.group, "主持人": e.host,
                "讲课人": e.lecturer or None, "应到": e.expected, "实到": e.present,
                "纪要": "；".join(paths),
            })
        return rows

    # -- dues ---------------------------------------------------------------------------------------------

    def dues_rows(self) -> list[dict]:
        spec, rng = self.spec, self.rng
        owed = {}
        for m in self.members:
            for year in self.years:
                for month in range(1, 13):
                    if m.owes(year, month):
                        owed[(m.name, year, month)] = m
        unpaid = set()
        for name, label in spec.unpaid_dues:
            start, end = _parse_period(label)
            if start.day != 1 or (start.year, start.month) != (end.year, end.month):
                raise ValueError(f"unpaid_dues month must be YYYY-MM, got {label!r}")
            key = (name, start.year, start.month)
            if key not in owed:
                raise ValueError(f"unpaid_dues {name!r} {label!r}: no such member-month owed")
            unpaid.add(key)
        for key in owed:  # one random draw per member-month, in a fixed order
            if self.drop():
                unpaid.add(key)
        for name, year, month in sorted(unpaid, key=lambda k: (k[1], k[2], k[0])):
            self.dropped.append(Gap("dues", name, f"{year}-{month:02d}"))

        amounts = {m.name: (rng.choice((5, 10, 12.5)) if m.job in ("实习律师", "行政") else
                            rng.choice((20, 30, 50, 80, 100, 150, 200)) if m.job != "主任" else 300)
                   for m in self.members}
        # prepaid ranges: the secretary pays Q1 in advance (…~…), one other member H1 (…至…)
        prepaid: dict[str, tuple[int, str]] = {}
        payers = [m for m in self.members if m.party() and m.relation_here]
        if payers:
            prepaid[payers[0].name] = (3, "~")
        if len(payers) > 4:
            prepaid[payers[-2].name] = (6, "至") if rng.random() < 0.5 else (3, "~")

        rows = []
        receipts: dict[tuple[int, int], str] = {}

        def receipt(year: int, month: int) -> str:
            if (year, month) not in receipts:
                receipts[(year, month)] = self.evidence(f"evidence/党费/{year}-{month:02d}-党费收缴登记表.pdf",
                                                        title=f"{year}年{month}月党费收缴登记表")
            return receipts[(year, month)]

        def paid(name: str, year: int, month: int) -> bool:
            return (name, year, month) in owed and (name, year, month) not in unpaid

        for year in self.years:
            for m in payers:
                # draw every date first, so that a gap changes no other row
                dates = [_workday(year, k, rng.randint(3, 20)) for k in range(1, 13)]
                months = list(range(1, 13))
                span, mark = prepaid.get(m.name, (1, ""))
                if span > 1 and all(paid(m.name, year, k) for k in range(1, span + 1)):
                    rows.append({"姓名": m.name, "月份": f"{year}-01{mark}{year}-{span:02d}",
                                 "金额": amounts[m.name] * span, "缴纳日期": dates[0], "证明材料": receipt(year, 1)})
                    months = months[span:]
                for k in months:
                    if paid(m.name, year, k):
                        rows.append({"姓名": m.name, "月份": f"{year}-{k:02d}", "金额": amounts[m.name],
                                     "缴纳日期": dates[k - 1], "证明材料": receipt(year, k)})
        rows.sort(key=lambda r: (r["月份"][:7], r["缴纳日期"]))
        return rows

    # -- trainings ----------------------------------------------------------------------------------------

    def training_rows(self) -> list[dict]:
        rng = self.rng
        rows = []
        org_city = "中共东莞市律师行业委员会"

        def add(name: str, date: dt.date, title: str, kind: str, days: int, hours: int, organiser: str,
                key: str, required: bool = True) -> None:
            if required and self.drop():
                self.dropped.append(Gap("training", name, str(date.year), key))
                return
            path = self.evidence(f"evidence/培训/{date.isoformat()}-{name}-{key}.pdf", title=f"{title} 结业证明")
            rows.append({"姓名": name, "日期": date, "培训名称": title, "类型": kind, "天数": days, "学时": hours,
                         "主办单位": organiser, "证明材料": path})

        for year in self.years:
            add(self.secretary, _workday(year, 4, rng.randint(8, 22)), f"{year}年东莞市律师行业党组织书记培训班",
                "集中培训", 2, 16, org_city, "书记培训")
            if self.instructor:
                add(self.instructor, _workday(year, 3, rng.randint(8, 22)), f"{year}年社会组织党建工作指导员业务培训（一）",
                    "集中培训", 1, 8, "中共东莞市社会组织工作委员会", "指导员培训1")
                add(self.instructor, _workday(year, 9, rng.randint(8, 22)), f"{year}年社会组织党建工作指导员业务培训（二）",
                    "集中培训", 1, 8, "中共东莞市社会组织工作委员会", "指导员培训2")
            for worker in self.party_workers:
                add(worker, _workday(year, 7, rng.randint(8, 22)), f"{year}年党务工作者网络专题培训",
                    "网络培训", 3, 12, "广东省党员教育培训网", "党务培训", required=False)
            for m in [m for m in self.members if m.category == "预备党员"][:2]:
                if m.joined and m.joined.year <= year:
                    add(m.name, _workday(year, 10, rng.randint(8, 22)), "新党员入党教育培训", "集中培训", 1, 6,
                        org_city, "新党员培训", required=False)
        rows.sort(key=lambda r: r["日期"])
        return rows

    # -- documents ----------------------------------------------------------------------------------------

    def document_rows(self) -> list[dict]:
        spec = self.spec
        full = "中共" + self.unit + {"党委": "委员会", "党总支": "总支部委员会", "联合党支部": "联合支部委员会"}.get(
            spec.type, "支部委员会")
        rows: list[dict] = [{"类别": "成立批复", "标题": f"关于同意成立{full}的批复", "年度": None,
                             "文件": "evidence/批复/成立批复.pdf"}]
        for name, role in self.committee:
            if role in ("书记", "副书记"):
                rows.append({"类别": f"{role}批复", "标题": f"关于{name}同志任{full}{role}的批复", "年度": None,
                             "文件": self.approval_paths[name]})
        for kind in _RULES:
            rows.append({"类别": kind, "标题": _RULE_TITLES[kind], "年度": None, "文件": f"evidence/制度/{kind}.pdf"})
        for kind, title in (("党员花名册", "党员花名册"), ("入党积极分子花名册", "入党积极分子花名册"),
                            ("流动党员花名册", "流动党员花名册")):
            rows.append({"类别": kind, "标题": title, "年度": None, "文件": f"evidence/名册/{kind}.pdf"})
        for year in self.years:
            rows.append({"类别": "会议记录簿", "标题": f"党组织会议记录簿（{year}年）", "年度": year,
                         "文件": f"evidence/名册/{year}-会议记录簿.pdf"})
            rows.append({"类别": "考勤册", "标题": f"党员参加支部活动考勤册（{year}年）", "年度": year,
                         "文件": f"evidence/名册/{year}-考勤册.pdf"})
            for kind in _YEARLY_DOCS:
                rows.append({"类别": kind, "标题": _YEARLY_TITLES[kind].format(y=year), "年度": year,
                             "文件": f"evidence/计划总结/{year}-{kind}.pdf"})

        wanted = []
        for raw in spec.missing_documents:
            kind, _, year = raw.replace("：", ":").partition(":")
            kind = kind.strip()
            if kind not in DOCUMENT_KINDS:
                raise ValueError(f"unknown document kind {raw!r}")
            wanted.append([kind, int(year) if year.strip() else None, raw, False])
        kept = []
        for row in rows:
            hit = False
            for w in wanted:
                if w[0] == row["类别"] and (w[1] is None or w[1] == row["年度"]):
                    w[3] = hit = True
            if self.drop() or hit:
                self.dropped.append(Gap("document", row["类别"], str(row["年度"] or "")))
                continue
            kept.append(row)
        for w in wanted:
            if not w[3]:
                raise ValueError(f"missing_documents {w[2]!r} matched no document")
        for row in kept:
            self.evidence(row["文件"], title=row["标题"])
        return kept

    # -- facilities, honours ------------------------------------------------------------------------------

    def facility_rows(self) -> list[dict]:
        for item in self.spec.missing_photos:
            if item not in FACILITY_ITEMS:
                raise ValueError(f"unknown facility item {item!r}")
        rows = []
        for item in FACILITY_ITEMS:
            path = f"evidence/阵地/{item}.png"
            if item in self.spec.missing_photos or self.drop():
                self.referenced.add(path)
                self.dropped.append(Gap("photo", item))
            else:
                self.evidence(path, _PNG)
            rows.append({"项目": item, "是否具备": "是", "实景图片": path})
        return rows

    def honor_rows(self) -> list[dict]:
        rng = self.rng
        first, last = self.years[0], self.years[-1]
        brand = rng.choice(("法润莞邑", "红心律动", "红色律所·法治先锋", "党建+公益法律服务", "莞邑先锋律师"))
        town = self.spec.town
        candidates = [
            (dt.date(first - 1, rng.randint(3, 11), rng.randint(1, 28)), "示范点",
             "市级" if rng.random() < 0.6 else "镇街级", "东莞市社会组织党建工作示范点", "组织"),
            (dt.date(first - 2, rng.randint(3, 11), rng.randint(1, 28)), "党建品牌", "市级",
             f"“{brand}”党建品牌", "组织"),
        ]
        for year in self.years:
            candidates += [
                (dt.date(year, 4, rng.randint(1, 28)), "媒体报道", "省级",
                 f"《南方日报》报道{self.spec.name}“{brand}”做法", "组织"),
                (dt.date(year, 6, rng.randint(20, 30)), "表彰", "市级",
                 f"{year}年东莞市律师行业优秀共产党员", self.secretary),
                (dt.date(year, 9, rng.randint(1, 28)), "文章发表", "省级",
                 "《以党建引领律师事务所高质量发展的实践与思考》刊发于《广东律师》", self.secretary),
            ]
        rows = []
        for date, kind, level, title, recipient in candidates:
            if self.drop():
                self.dropped.append(Gap("honor", kind, str(date.year)))
                continue
            if kind == "示范点" and level == "镇街级":
                title = f"{town}社会组织党建示范点"
            path = self.evidence(f"evidence/品牌/{date.year}-{kind}.pdf", title=title)
            rows.append({"日期": date, "类别": kind, "级别": level, "名称": title, "对象": recipient,
                         "证明材料": path})
        rows.sort(key=lambda r: r["日期"])
        return rows

    def member_rows(self) -> list[dict]:
        yn = {True: "是", False: "否"}
        return [{
            "姓名": m.name, "类别": m.category, "性别": "男" if m.male else "女", "出生日期": m.birth,
            "学历": m.education, "身份证号": m.id_number, "手机": m.phone, "入党日期": m.joined,
            "转正日期": m.confirmed, "组织关系在本支部": yn[m.relation_here], "党小组": m.group,
            "单位职务": m.job, "管理层": yn[m.management], "出资人": yn[m.investor], "流动党员": yn[m.mobile],
            "转出日期": m.left,
        } for m in self.members]

    # -- branch.yaml, self_assessment.yaml ----------------------------------------------------------------

    def term(self) -> tuple[dt.date, int]:
        if self.spec.term_start:
            return self.spec.term_start, 3
        first, last = self.years[0], self.years[-1]
        year = max(first - 1, last - 2, self.spec.established.year)
        start = _workday(year, self.rng.randint(3, 9), self.rng.randint(1, 20))
        return max(start, self.spec.established), 3

    def branch_yaml(self) -> str:
        spec = self.spec
        start, years = self.term()
        self.approval_paths = {}
        lines = [
            "# 党组织基本信息（dj 合成数据：单位、人员、证件号码均为虚构）",
            _kv("name", spec.name, "党组织名称"),
            _kv("type", spec.type, "类型：党委 / 党总支 / 党支部 / 联合党支部 / 临时党支部"),
            _kv("parent", spec.parent, "上级党组织"),
            _kv("unit", self.unit, "所在单位"),
            _kv("unit_type", spec.unit_type, "单位类型"),
            _kv("town", spec.town, "镇街（园区）"),
            _kv("established", spec.established, "成立时间"),
            _kv("phone", spec.phone or f"0769-2{self.rng.randint(0, 9_999_999):07d}", "联系电话"),
            "term:                         # 本届班子任期",
            _kv("  start", start, "换届（任职）时间"),
            _kv("  years", years, "任期年限"),
            "committee:                    # 班子成员；书记、副书记须报上级党组织批准",
        ]
        for name, role in self.committee:
            lines.append(f"  - name: {_scalar(name)}")
            lines.append(f"    role: {_scalar(role)}")
            if role in ("书记", "副书记"):
                approved = start + dt.timedelta(days=10)
                while approved.weekday() >= 5:
                    approved += dt.timedelta(days=1)
                path = f"evidence/批复/{role}批复-{name}.pdf"
                self.approval_paths[name] = path
                self.evidence(path, title=f"关于{name}同志任{role}的批复")
                lines.append(_kv("    approved", approved, "上级批准日期"))
                lines.append(_kv("    approval", path, "批复文件"))
        if self.groups:
            lines.append("groups:                       # 党小组")
            lines += [f"  - {_scalar(g)}" for g in self.groups]
        else:
            lines.append("groups: []                    # 党小组（未设党小组）")
        if self.instructor:
            lines.append(_kv("instructor", self.instructor, "党建工作指导员"))
        lines.append("party_workers:                # 党务工作者")
        lines += [f"  - {_scalar(n)}" for n in self.party_workers]
        self.evidence("evidence/批复/成立批复.pdf", title="成立批复")
        return "\n".join(lines) + "\n"

    def self_assessment_yaml(self) -> str:
        items = (
            ("4", 2, "指标4-书记抓党建述职及履职材料.pdf", "书记带头落实党建工作责任制，执行民主集中制，年度述职材料齐全"),
            ("5", 4, "指标5-班子参与重大事项研究记录.pdf", "班子成员做好“三个表率”，党组织参与研究本所重大事项"),
            ("12", 2, "指标12-党员教育管理服务记录.pdf", "建立党员关爱帮扶机制，开展喜闻乐见的教育服务活动"),
        )
        lines = ["# 自评分：需现场核验的指标（评定标准第4、5、12项），每项附佐证材料"]
        for key, score, file, note in items:
            path = self.evidence(f"evidence/自评/{file}", title=note)
            lines += [f"{_scalar(key)}:", f"  score: {score}", "  evidence:", f"    - {_scalar(path)}",
                      f"  note: {_scalar(note)}"]
        return "\n".join(lines) + "\n"

    def build(self) -> Ledger:
        self.build_people()
        branch_yaml = self.branch_yaml()
        events = self.apply_meeting_gaps(self.plan_meetings())
        tables = {
            "members": self.member_rows(),
            "meetings": self.meeting_rows(events),
            "trainings": self.training_rows(),
            "dues": self.dues_rows(),
            "documents": self.document_rows(),
            "facilities": self.facility_rows(),
            "honors": self.honor_rows(),
        }
        sa = self.self_assessment_yaml()
        unknown = self._missing_files - self.referenced
        if unknown:
            raise ValueError(f"missing_files not referenced by any record: {sorted(unknown)}")
        return Ledger(self.spec, branch_yaml, sa, tables, self.files, self.referenced, self.dropped)


def _scalar(value: Any) -> str:
    """One YAML scalar, quoted only when plain text would be read as something else."""
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, width=10**6, default_flow_style=True)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[:-4]
    return text


def _kv(key: str, value: Any, comment: str) -> str:
    line = f"{key}: {_scalar(value)}"
    return line + " " * max(2, 30 - _width(line)) + f"# {comment}"


# ---------------------------------------------------------------------------------------------------------
# Placeholder files


def _png_1x1() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"\x00\xc8\x10\x2e"  # filter 0 + one red pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


_PNG = _png_1x1()


def _pdf(title: str) -> bytes:
    return f"%PDF-1.4\n% dj 合成台账占位文件：{title}\n%%EOF\n".encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# Writers

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when present: same output, faster
    """Safe YAML without anchors/aliases (the ledger refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _yaml_rows(rows: list[dict]) -> str:
    clean = [{k: v for k, v in row.items() if v is not None} for row in rows]
    return yaml.dump(clean, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6,
                     default_flow_style=False)


_EPOCH = dt.date(1899, 12, 30)
_XF = {"text": 0, "header": 1, "date_cn": 2, "date_iso": 3, "textfmt": 4, "money": 5, "int": 0,
       "date_cn_builtin": 6}
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet {_NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFCE4D6"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="31" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)
_FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _width(value: Any) -> int:
    """Display width: CJK characters (3 bytes in UTF-8) count double."""
    if isinstance(value, dt.date):
        return 12
    text = str(value)
    return (len(text.encode("utf-8")) + len(text)) // 2


def _zip(parts: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def _xlsx_bytes(sheets: list[tuple[str, list[tuple[str, str]], list[list[Any]]]]) -> bytes:
    """A minimal, deterministic SpreadsheetML workbook: one (name, columns, rows) per sheet."""
    strings: dict[str, int] = {}

    def sst(text: str) -> int:
        index = strings.get(text)
        if index is None:
            index = strings[text] = len(strings)
        return index

    sheet_xml = []
    for number, (_, columns, rows) in enumerate(sheets):
        from dangjian_cli.ledger.xlsx_source import column_letter

        letters = [column_letter(i) for i in range(len(columns))]
        widths = [_width(h) + 2 for h, _ in columns]
        xfs = [_XF[kind] for _, kind in columns]
        out = ['<row r="1">']
        for letter, (header, _) in zip(letters, columns):
            out.append(f'<c r="{letter}1" s="1" t="s"><v>{sst(header)}</v></c>')
        out.append("</row>")
        for r, row in enumerate(rows, start=2):
            out.append(f'<row r="{r}">')
            for i, value in enumerate(row):
                if value is None or value == "":
                    continue
                ref = f"{letters[i]}{r}"
                xf = xfs[i]
                if isinstance(value, dt.date):
                    out.append(f'<c r="{ref}" s="{xf}"><v>{(value - _EPOCH).days}</v></c>')
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    style = f' s="{xf}"' if xf else ""
                    out.append(f'<c r="{ref}"{style}><v>{value}</v></c>')
                else:
                    style = f' s="{xf}"' if xf else ""
                    out.append(f'<c r="{ref}"{style} t="s"><v>{sst(str(value))}</v></c>')
                w = _width(value) + 2
                if w > widths[i]:
                    widths[i] = w
            out.append("</row>")
        last = f"{letters[-1]}{len(rows) + 1}"
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{min(w, 60)}" customWidth="1"/>'
                       for i, w in enumerate(widths))
        selected = ' tabSelected="1"' if number == 0 else ""
        sheet_xml.append(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet {_NS} {_NS_R}><dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView workbookViewId="0"{selected}>'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{cols}</cols><sheetData>{"".join(out)}</sheetData>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '</worksheet>')

    n = len(sheets)
    total = sum(len(rows) * len(cols) for _, cols, rows in sheets)
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<sst {_NS} count="{max(total, len(strings))}" uniqueCount="{len(strings)}">'
        + "".join(f'<si><t xml:space="preserve">{_esc(s)}</t></si>' for s in strings) + "</sst>")
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook {_NS} {_NS_R}><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(f'<sheet name="{_esc(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                  for i, (name, _, _) in enumerate(sheets))
        + "</sheets></workbook>")
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                  for i in range(n))
        + f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rId{n + 2}" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        + "</Relationships>")
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{ct}.worksheet+xml"/>'
                  for i in range(n))
        + f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>')
    parts = [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("xl/workbook.xml", workbook),
             ("xl/_rels/workbook.xml.rels", workbook_rels), ("xl/styles.xml", _STYLES),
             ("xl/sharedStrings.xml", shared)]
    parts += [(f"xl/worksheets/sheet{i + 1}.xml", xml) for i, xml in enumerate(sheet_xml)]
    return _zip(parts)


_OPENPYXL_FORMATS = {"date_cn": 'yyyy"年"m"月"d"日"', "date_cn_builtin": 'yyyy"年"m"月"d"日"',
                     "date_iso": "yyyy-mm-dd", "textfmt": "@", "money": "0.00"}


def _xlsx_bytes_openpyxl(sheets: list[tuple[str, list[tuple[str, str]], list[list[Any]]]]) -> bytes:
    """The same workbook written through openpyxl (slower; zip entries and properties made deterministic)."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    fixed = dt.datetime(*_FIXED_TIME)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "dj synth"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFFCE4D6")
    for name, columns, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append([h for h, _ in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        formats = [_OPENPYXL_FORMATS.get(kind) for _, kind in columns]
        for row in rows:
            ws.append([None if v == "" else v for v in row])
            for cell, fmt in zip(ws[ws.max_row], formats):
                if fmt and cell.value is not None:
                    cell.number_format = fmt
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:  # re-pack with fixed timestamps
        parts = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    # openpyxl stamps "modified" with the save time; pin it
    parts = [(n, re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
                        b'<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>', d)
              if n == "docProps/core.xml" else d) for n, d in parts]
    return _zip(parts)


_MEMBERS_HELP = [
    ["类别", "正式党员 / 预备党员 / 发展对象 / 入党积极分子"],
    ["组织关系在本支部", "是 / 否；组织关系不在本支部的党员不计入党费和“正式党员在本支部”人数"],
    ["身份证号、手机", "敏感信息：dj 的任何输出都只显示脱敏后的号码"],
    ["党小组", "须为 branch.yaml 中 groups 列出的党小组"],
]


def _table_sheets(ledger: Ledger, stem: str) -> list[tuple[str, list[tuple[str, str]], list[list[Any]]]]:
    sheet, columns = _TABLES[stem]
    headers = ledger.headers(stem)
    builtin = ledger.spec.cn_builtin_dates
    cols = [(h, "date_cn_builtin" if builtin and k == "date_cn" else k) for h, k in columns if h in headers]
    rows = [[row.get(h) for h in headers] for row in ledger.tables[stem]]
    sheets = [(sheet, cols, rows)]
    if stem == "members":
        sheets.append(("填表说明", [("栏目", "text"), ("说明", "text")], _MEMBERS_HELP))
    return sheets


def build_ledger(spec: BranchSpec) -> Ledger:
    """The complete content of a branch folder (nothing written)."""
    return _Builder(spec).build()


def write_branch(folder: Path | str, spec: BranchSpec, fmt: str = "xlsx", xlsx_engine: str = "fast") -> Ledger:
    """Write one branch folder (which must not exist yet or be empty); returns what was written.

    ``fmt``: ``"xlsx"`` (record files as Excel) or ``"yaml"`` (the same rows as ``NAME.yaml``).
    A record file with no rows is left out (a missing optional file means "no records").
    """
    if fmt not in ("xlsx", "yaml"):
        raise ValueError("fmt must be 'xlsx' or 'yaml'")
    if xlsx_engine not in ("fast", "openpyxl"):
        raise ValueError("xlsx_engine must be 'fast' or 'openpyxl'")
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} is not empty")
    ledger = build_ledger(spec)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "branch.yaml").write_text(ledger.branch_yaml, encoding="utf-8")
    (folder / "self_assessment.yaml").write_text(ledger.self_assessment_yaml, encoding="utf-8")
    writer = _xlsx_bytes if xlsx_engine == "fast" else _xlsx_bytes_openpyxl
    for stem, rows in ledger.tables.items():
        if not rows:
            continue
        if fmt == "xlsx":
            (folder / f"{stem}.xlsx").write_bytes(writer(_table_sheets(ledger, stem)))
        else:
            headers = ledger.headers(stem)
            ordered = [{h: row.get(h) for h in headers} for row in rows]
            (folder / f"{stem}.yaml").write_text(_yaml_rows(ordered), encoding="utf-8")
    made: set[Path] = set()
    for rel, content in sorted(ledger.files.items()):
        path = folder / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(content)
    return ledger


# ---------------------------------------------------------------------------------------------------------
# Many branches


def random_spec(index: int, seed: int = 0, years: Sequence[int] = (2025,), random_gap_rate: float = 0.1) -> BranchSpec:
    """The ``index``-th varied branch of a benchmark tree (3–60 people, 0–3 党小组, assorted styles)."""
    rng = random.Random(f"synth:{seed}:{index}")
    first = min(years)
    total = 3 + int(57 * rng.random() ** 2)
    probationary = rng.randint(0, total // 10)
    formal = total - probationary
    activists = rng.randint(0, 4)
    word = rng.choice(_FIRM_WORDS) + ("" if rng.random() < 0.7 else rng.choice(_FIRM_WORDS))
    if total <= 5 and rng.random() < 0.5:
        kind = "联合党支部"
        unit = f"广东{word}律师事务所、广东{rng.choice(_FIRM_WORDS)}律师事务所"
        name = f"东莞市{rng.choice(_TOWNS)[:2]}片区律师事务所联合党支部"
    else:
        kind = "党总支" if total >= 45 and rng.random() < 0.4 else (
            "党委" if total >= 50 and rng.random() < 0.2 else "党支部")
        unit = f"广东{word}律师事务所"
        name = unit + kind
    groups = 0 if formal < 8 else rng.randint(0, min(3, formal // 6))
    ordinary_room = max(0, formal - 7)
    return BranchSpec(
        name=name, unit=unit, type=kind, town=rng.choice(_TOWNS),
        established=dt.date(rng.randint(2008, first - 1), rng.randint(1, 12), rng.randint(1, 28)),
        years=tuple(years), formal=formal, probationary=probationary, activists=activists, groups=groups,
        relation_elsewhere=min(ordinary_room, rng.choice((0, 0, 1, 2))),
        left_members=min(max(0, ordinary_room - 2), rng.choice((0, 0, 0, 1))),
        instructor="" if rng.random() < 0.85 else None,
        seed=rng.randrange(2**31), use_aliases=rng.random() < 0.3, cn_builtin_dates=rng.random() < 0.3,
        random_gap_rate=random_gap_rate,
    )


def generate(root: Path | str, n: int, seed: int = 0, fmt: str = "xlsx", random_gap_rate: float = 0.1,
             years: Sequence[int] = (2025,)) -> list[Path]:
    """Write ``n`` varied branches into ``root/branch-0001/`` …; returns their folders."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    folders = []
    for index in range(1, n + 1):
        folder = root / f"branch-{index:04d}"
        write_branch(folder, random_spec(index, seed, years, random_gap_rate), fmt)
        folders.append(folder)
    return folders


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dangjian_cli.synth", description="写出合成的党组织台账文件夹")
    parser.add_argument("root", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("xlsx", "yaml"), default="xlsx")
    parser.add_argument("--gap-rate", type=float, default=0.1)
    parser.add_argument("--years", type=int, nargs="+", default=[2025])
    args = parser.parse_args(argv)
    generate(args.root, args.n, args.seed, args.format, args.gap_rate, args.years)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
