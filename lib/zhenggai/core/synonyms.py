"""How offices commonly head their own ledgers' columns, by 键名.

Used when reading ledgers made elsewhere (``zhenggai import``) through
:meth:`zhenggai.core.spec.Spec.header_match`. The 字段 sheet's 字段名 and 别名 win
over these words, and a field the spec does not have is never matched. The
README's table of 常用名 is checked against this one by a test.
"""

from __future__ import annotations

__all__ = ["COMMON_SYNONYMS"]

COMMON_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "问题编号", "序号", "问题序号", "整改编号", "台账编号"),
    "category": ("问题类别", "问题分类", "问题类型", "类别", "方面", "所属方面", "问题领域"),
    "source": ("问题来源", "反馈来源", "发现渠道", "问题出处"),
    "problem": (
        "存在问题",
        "问题简述",
        "问题描述",
        "具体问题",
        "问题表现",
        "问题内容",
        "反馈问题",
        "主要问题",
        "存在的问题",
        "审计发现问题",
        "审计发现的问题",
        "巡察发现问题",
        "督查发现问题",
    ),
    "measure": (
        "整改措施",
        "整改计划及措施",
        "整改举措",
        "整改措施及计划",
        "具体整改措施",
        "具体措施",
        "整改计划",
        "整改方案",
    ),
    "kind": ("整改类型", "整改方式"),
    "leader": ("责任领导", "整改责任领导", "分管领导", "牵头领导", "分管负责同志"),
    "unit": (
        "责任单位",
        "所属责任公司",
        "责任部门",
        "牵头单位",
        "牵头部门",
        "整改责任单位",
        "责任主体",
        "责任处室",
        "被审计单位",
    ),
    "co_units": ("配合单位", "协办单位", "配合部门", "协同单位"),
    "deadline": (
        "整改时限",
        "整改期限",
        "完成时限",
        "目标设定完成时间",
        "计划完成时间",
        "整改完成时限",
        "完成期限",
        "时间节点",
    ),
    "person": ("责任人", "具体责任人", "整改责任人", "经办人"),
    "status": ("整改状态", "完成情况", "是否整改完成", "是否完成", "整改完成情况"),
    "progress": ("整改进展", "整改进展情况", "进展情况", "整改情况", "推进情况", "落实情况"),
    "done_date": ("完成时间", "实际完成时间", "整改完成时间", "完成日期"),
    "evidence": ("佐证材料", "佐证材料清单", "证明材料", "整改佐证材料", "支撑材料"),
    "remark": ("备注",),
    "closed": ("是否销号",),
    "closed_date": ("销号时间", "销号日期"),
    "reviewer": ("审核人",),
}
