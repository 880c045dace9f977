"""Regenerate the bundled example branch folders, deterministically, from ``dangjian_cli.synth``.

    python examples/build_examples.py

* ``examples/five-star/`` — 广东莞信律师事务所党支部: a complete 2025 台账 (13 people, 2 党小组); scores 100.
* ``examples/with-gaps/`` — 广东粤衡律师事务所党支部: a complete 2025 台账 except for exactly four planted gaps:
  no 支部委员会 in 2025-07; no 党课 in 2025-Q3 (the secretary still lectures in Q2 and Q4); 吴嘉欣's 党费
  for 2025-09 unpaid; the 党旗 photo referenced in facilities.xlsx but missing from evidence/.
* ``examples/needs-work/`` — 东莞市松湖律师事务所联合党支部: meetings mostly kept, but three missed activities,
  two missing documents, two missing photos, a brand and an article without evidence and a self-assessment
  without its file: below 90, so the report shows the way to 五星级.

Everything in them is invented (firms, people, 身份证号, phone numbers).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # usable from a checkout without installing

from dangjian_cli.synth import BranchSpec, Ledger, write_branch  # noqa: E402


def five_star_spec() -> BranchSpec:
    return BranchSpec(
        name="广东莞信律师事务所党支部",
        unit="广东莞信律师事务所",
        town="南城街道",
        established=dt.date(2016, 5, 20),
        years=(2025,),
        formal=10,
        probationary=1,
        activists=2,
        groups=2,
        secretary="陈志明",
        vice_secretary="黄丽萍",
        committee=[("林国强", "组织委员"), ("叶晓敏", "宣传委员"), ("莫俊杰", "纪检委员")],
        instructor="钟建华",
        party_workers=["何婉婷"],
        relation_elsewhere=1,
        term_start=dt.date(2024, 3, 18),
        phone="0769-22881234",
        seed=2025,
    )


def with_gaps_spec() -> BranchSpec:
    return BranchSpec(
        name="广东粤衡律师事务所党支部",
        unit="广东粤衡律师事务所",
        town="东城街道",
        established=dt.date(2019, 9, 10),
        years=(2025,),
        formal=7,
        probationary=1,
        activists=1,
        groups=0,
        secretary="李卫东",
        vice_secretary=None,
        committee=[("邓雅琪", "组织委员"), ("梁启航", "宣传委员")],
        instructor="袁志坚",
        party_workers=["邓雅琪"],
        member_names=["吴嘉欣"],
        term_start=dt.date(2023, 11, 6),
        phone="0769-23316688",
        seed=7,
        missing_meetings=[("支部委员会", "2025-07"), ("党课", "2025-Q3")],
        unpaid_dues=[("吴嘉欣", "2025-09")],
        missing_photos=["党旗"],
    )


def needs_work_spec() -> BranchSpec:
    """A younger 联合党支部 that keeps its meetings but is short of paperwork and brand work: below 90."""
    return BranchSpec(
        name="东莞市松湖律师事务所联合党支部",
        unit="广东松湖律师事务所等3家律师事务所",
        type="联合党支部",
        town="松山湖园区",
        established=dt.date(2022, 3, 1),
        years=(2025,),
        formal=5,
        probationary=0,
        activists=1,
        groups=0,
        secretary="蔡明辉",
        vice_secretary=None,
        committee=[("郑佩珊", "组织委员"), ("谢文涛", "宣传委员")],
        instructor="罗建新",
        party_workers=["郑佩珊"],
        term_start=dt.date(2022, 3, 1),
        phone="0769-22890011",
        seed=11,
        missing_meetings=[("组织生活会", "2025-Q2"), ("谈心谈话", "2025-Q3"), ("党务公开", "2025-Q4")],
        missing_documents=["年度总结:2025", "党风廉政教育计划:2025"],
        missing_photos=["宣传栏", "信访举报公布"],
        missing_files=["evidence/品牌/2023-党建品牌.pdf", "evidence/品牌/2025-文章发表.pdf",
                       "evidence/自评/指标5-班子参与重大事项研究记录.pdf"],
    )


EXAMPLES = {"five-star": five_star_spec, "with-gaps": with_gaps_spec, "needs-work": needs_work_spec}


def build(root: Path = HERE) -> dict[str, Ledger]:
    """(Re)write every example folder under ``root``; returns what was written."""
    written = {}
    for name, make_spec in EXAMPLES.items():
        folder = Path(root) / name
        if folder.exists():
            shutil.rmtree(folder)
        written[name] = write_branch(folder, make_spec())
    return written


def main() -> None:
    for name, ledger in build().items():
        counts = "，".join(f"{stem} {count}" for stem, count in ledger.row_counts.items())
        gaps = "；".join(str(g) for g in ledger.dropped) or "无"
        print(f"examples/{name}: {counts}；缺口：{gaps}")


if __name__ == "__main__":
    main()
