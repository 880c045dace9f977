"""The closed vocabularies of the ledger (LEDGER.md): canonical values and the aliases users write."""

from __future__ import annotations

import functools
import unicodedata


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), trimmed, case-folded, inner white space removed."""
    return _normalised(str(text))


@functools.lru_cache(maxsize=8192)  # headers and vocabulary words repeat in every file of every branch
def _normalised(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def alias_table(entries: dict[str, list[str]]) -> dict[str, str]:
    """Map every normalised spelling (the canonical one included) to its canonical value."""
    table: dict[str, str] = {}
    for canonical, aliases in entries.items():
        for spelling in (canonical, *aliases):
            table[normalise(spelling)] = canonical
    return table


BRANCH_TYPES = ["党委", "党总支", "党支部", "联合党支部", "临时党支部"]
# 联合党支部 and 临时党支部 are judged as 党支部 unless a rule names them (SCORING.md).
BRANCH_TYPE_FALLBACK = {"联合党支部": "党支部", "临时党支部": "党支部"}

COMMITTEE_ROLES = ["书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员"]
MEMBER_CATEGORIES = {
    "正式党员": ["党员"],
    "预备党员": [],
    "发展对象": [],
    "入党积极分子": ["积极分子"],
}
DUES_PAYING_CATEGORIES = ("正式党员", "预备党员")
GENDERS = {"男": ["男性", "m", "male"], "女": ["女性", "f", "female"]}

MEETING_TYPES: dict[str, list[str]] = {
    "支部党员大会": ["党员大会", "支部大会"],
    "支部委员会": ["支委会", "支委会议", "党委会", "总支委员会"],
    "党小组会": [],
    "党课": [],
    "组织生活会": [],
    "民主生活会": [],
    "民主评议党员": ["民主评议"],
    "主题党日": ["主题党日活动", "党日活动"],
    "集中学习": ["学习", "党员学习", "学习交流", "党员学习交流", "学习交流活动"],
    "廉政教育": [],
    "谈心谈话": [],
    "党务公开": [],
    "服务活动": ["三服务", "志愿服务", "联系服务群众", "三服务活动", "三服务主题活动", "志愿服务活动"],
    "创先争优": ["评优", "表彰活动"],
    "党员信息更新": ["信息更新", "系统更新"],
    "其他": [],
    # Added for the 标准化 rubric (seed 000's “五常”). Vocabularies only grow: never rename or remove a value or
    # an alias — every rubric and ledger relies on them.
    "互帮共建": ["互帮共建活动", "结对共建", "共建活动"],
}
MEETING_TYPE_SEPARATORS = "、,，+/"

TRAINING_KINDS = {"集中培训": [], "网络培训": ["线上培训", "网上培训"], "任职培训": []}

DOCUMENT_KINDS = [
    "学习制度", "三会一课制度", "组织生活会制度", "民主评议制度", "党务公开制度", "民主监督制度",
    "联系服务群众制度", "党费管理制度",
    "年度工作计划", "教育培训计划", "发展党员计划", "党风廉政教育计划",
    "会议记录簿", "党员花名册", "入党积极分子花名册", "流动党员花名册", "考勤册",
    "成立批复", "书记批复", "副书记批复",
    "年度总结", "述职报告",
    "其他",
    # Added for the 标准化 rubric (seed 000: 三个名册, 五套资料, 六个记录).
    "发展对象花名册",
    "党员学习资料", "党建活动资料", "党员党籍资料", "表彰奖励资料", "群众反映问题资料",
    "民主生活会记录", "谈心谈话记录", "提醒诫勉记录", "重要活动记录", "档案移交记录",
]

FACILITY_ITEMS = [
    "党组织牌匾", "办公室", "办公设备", "文件资料柜", "公示栏", "党旗", "党徽", "党员活动室", "桌椅",
    "电视投影设备", "报刊书籍", "档案资料柜", "入党誓词", "党员权利义务", "宣传栏", "党员形象墙", "通讯员",
    "微信公众号关注", "组织架构上墙", "信访举报公布",
    # Added for the 标准化 rubric (seed 000: 七个一, 十有, 党员示范岗/责任区).
    "党建杂志", "桌牌胸牌", "公示牌", "党员活动室标志牌", "党务流程", "管理人员和制度", "党员示范岗", "党员责任区",
]

HONOR_KINDS = {
    "批示表扬": ["领导批示", "批示"],
    "媒体报道": ["宣传报道", "新闻报道", "报道"],
    "示范点": ["示范基地"],
    "表彰": ["表彰奖励", "获奖"],
    "党建品牌": ["品牌"],
    "文章发表": ["文章", "论文发表"],
}
# Highest first; a level "≥ 市级" is 市级, 省级 or 国家级.
HONOR_LEVELS = {
    "国家级": ["全国", "国家", "中央"],
    "省级": ["省", "省级以上"],
    "市级": ["市", "地市级"],
    "区县级": ["区级", "县级", "区", "县"],
    "镇街级": ["镇级", "街道级", "镇街", "镇", "街道", "园区"],
}
HONOR_LEVEL_RANK = {level: rank for rank, level in enumerate(reversed(list(HONOR_LEVELS)))}

YES_NO = {
    True: ["是", "有", "y", "yes", "true", "✓", "√", "1"],
    False: ["否", "无", "n", "no", "false", "✗", "×", "0"],
}
YES_NO_TABLE = {normalise(s): value for value, spellings in YES_NO.items() for s in spellings}
