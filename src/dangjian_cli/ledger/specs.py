"""The columns of every record file (LEDGER.md), with their Chinese headers and aliases."""

from __future__ import annotations

from dangjian_cli.ledger import values as v
from dangjian_cli.ledger import vocab
from dangjian_cli.ledger.tables import Field, TableSpec

_EVIDENCE = ("证明材料", "实景图片", "附件", "evidence")

MEMBERS = TableSpec("members", "党员名册", (
    Field("name", "姓名", v.text, required=True),
    Field("category", "类别", v.choice(vocab.alias_table(vocab.MEMBER_CATEGORIES), "人员类别"), ("人员类别",), True),
    Field("gender", "性别", v.choice(vocab.alias_table(vocab.GENDERS), "性别")),
    Field("birth", "出生日期", v.date),
    Field("education", "学历", v.text),
    Field("id_number", "身份证号", v.identifier_text, ("公民身份号码", "身份证号码")),
    Field("phone", "手机", v.identifier_text, ("联系电话", "手机号码", "电话")),
    Field("joined", "入党日期", v.date, ("入党时间",)),
    Field("confirmed", "转正日期", v.date, ("转正时间",)),
    Field("relation_here", "组织关系在本支部", v.yes_no, ("组织关系",)),
    Field("group", "党小组", v.text, ("所在党小组",)),
    Field("job", "单位职务", v.text, ("职务",)),
    Field("management", "管理层", v.yes_no),
    Field("investor", "出资人", v.yes_no, ("合伙人",)),
    Field("mobile", "流动党员", v.yes_no),
    Field("left", "转出日期", v.date, ("离开日期",)),
))

MEETINGS = TableSpec("meetings", "会议与活动台账", (
    Field("date", "日期", v.date, ("时间", "会议日期"), True),
    Field("type", "类型", v.choices(vocab.alias_table(vocab.MEETING_TYPES), "会议类型", vocab.MEETING_TYPE_SEPARATORS),
          ("会议类型", "活动类型"), True),
    Field("topic", "主题", v.text, ("内容",)),
    Field("group", "党小组", v.text),
    Field("host", "主持人", v.text),
    Field("lecturer", "讲课人", v.text, ("主讲人",)),
    Field("expected", "应到", v.whole_number, ("应到人数",)),
    Field("present", "实到", v.whole_number, ("实到人数",)),
    Field("minutes", "纪要", v.path_list, ("记录", "会议记录", *_EVIDENCE)),
))

TRAININGS = TableSpec("trainings", "培训记录", (
    Field("name", "姓名", v.text, required=True),
    Field("date", "日期", v.date, ("培训日期", "时间"), True),
    Field("title", "培训名称", v.text, ("名称",)),
    Field("kind", "类型", v.choice(vocab.alias_table(vocab.TRAINING_KINDS), "培训类型"), ("培训类型",)),
    Field("days", "天数", v.number),
    Field("hours", "学时", v.number),
    Field("organiser", "主办单位", v.text, ("organizer",)),
    Field("evidence", "证明材料", v.path_list, _EVIDENCE[1:]),
))

DUES = TableSpec("dues", "党费收缴台账", (
    Field("name", "姓名", v.text, required=True),
    Field("month", "月份", v.month_range, ("所属月份", "缴纳月份"), True),
    Field("amount", "金额", v.number, ("缴纳金额",)),
    Field("paid", "缴纳日期", v.date, ("缴费日期",)),
    Field("evidence", "证明材料", v.path_list, _EVIDENCE[1:]),
))

DOCUMENTS = TableSpec("documents", "文件索引", (
    Field("kind", "类别", v.choice(vocab.alias_table({k: [] for k in vocab.DOCUMENT_KINDS}), "文件类别"),
          ("文件类别",), True),
    Field("title", "标题", v.text, ("文件名称", "名称")),
    Field("year", "年度", v.year, ("年份",)),
    Field("file", "文件", v.path_list, ("文件路径", *_EVIDENCE)),
))

FACILITIES = TableSpec("facilities", "阵地建设清单", (
    Field("item", "项目", v.choice(vocab.alias_table({k: [] for k in vocab.FACILITY_ITEMS}), "阵地项目"), (), True),
    Field("present", "是否具备", v.yes_no, ("具备",), True),
    Field("evidence", "实景图片", v.path_list, ("证明材料", "图片", "附件")),
))

HONORS = TableSpec("honors", "品牌建设台账", (
    Field("date", "日期", v.date, ("时间",)),
    Field("kind", "类别", v.choice(vocab.alias_table(vocab.HONOR_KINDS), "荣誉类别"), (), True),
    Field("level", "级别", v.choice(vocab.alias_table(vocab.HONOR_LEVELS), "级别")),
    Field("title", "名称", v.text, ("标题",)),
    Field("recipient", "对象", v.text, ("获得者",)),
    Field("evidence", "证明材料", v.path_list, _EVIDENCE[1:]),
))

RECORD_TABLES = (MEMBERS, MEETINGS, TRAININGS, DUES, DOCUMENTS, FACILITIES, HONORS)

BRANCH = TableSpec("branch", "党组织基本信息", (
    Field("name", "名称", v.text, ("党组织名称",), True),
    Field("type", "类型", v.choice(vocab.alias_table({k: [] for k in vocab.BRANCH_TYPES}), "党组织类型"),
          ("党组织类型",), True),
    Field("parent", "上级党组织", v.text),
    Field("unit", "所在单位", v.text),
    Field("unit_type", "单位类型", v.text),
    Field("town", "镇街", v.text, ("镇街(园区)",)),
    Field("established", "成立时间", v.date, ("成立日期",)),
    Field("instructor", "党建工作指导员", v.text, ("指导员",)),
    Field("party_workers", "党务工作者", v.name_list),
    Field("phone", "联系电话", v.identifier_text, ("电话",)),
    Field("groups", "党小组", v.name_list),
))

TERM = TableSpec("term", "任期", (
    Field("start", "开始", v.date, ("开始日期", "起始", "换届日期")),
    Field("years", "年限", v.term_years, ("届期",)),
))

COMMITTEE = TableSpec("committee", "班子成员", (
    Field("name", "姓名", v.text, required=True),
    Field("role", "职务", v.choice(vocab.alias_table({k: [] for k in vocab.COMMITTEE_ROLES}), "班子职务"),
          ("职位",), True),
    Field("approved", "批准日期", v.date, ("批准时间",)),
    Field("approval", "批复", v.path_list, ("批复文件", *_EVIDENCE)),
))

SELF_ASSESSMENT = TableSpec("self_assessment", "自评", (
    Field("score", "自评分", v.number, ("分数", "得分"), True),
    Field("evidence", "证明材料", v.path_list, _EVIDENCE[1:]),
    Field("note", "说明", v.text, ("备注",)),
))

WAIVERS = TableSpec("waivers", "豁免", (
    Field("indicator", "指标", v.text, ("指标序号",), True),
    Field("rule", "规则", v.text),
    Field("reason", "理由", v.text, ("原因", "豁免理由"), True),
    Field("approved_by", "批准人", v.text, ("批准单位", "批准"), True),
    Field("approved", "批准日期", v.date),
    Field("expires", "有效期至", v.date, ("到期日", "截止日期"), True),
))
