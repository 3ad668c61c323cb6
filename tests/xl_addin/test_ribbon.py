"""The ribbon XML against what the 2006 customUI schema (customUI.xsd) requires of it.

Without Excel the schema's rules that apply to our elements are checked one by
one: the element tree and its order, the attributes each element may carry,
ID syntax and uniqueness, string lengths, enumerations. Excel itself shows a
customUI error only with "Show add-in user interface errors" switched on.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from xl_addin.build.ribbon import CUSTOMUI_NS, customui_xml
from xl_addin.buttons_spec import BUTTONS, GROUPS

NS = f"{{{CUSTOMUI_NS}}}"
# customUI.xsd (2006/01): ST_UniqueID / ST_ID are xsd:ID (an NCName), 1..1024 characters;
# ST_String, ST_Delegate 1..1024 characters; ST_Size "normal" | "large".
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_ALLOWED = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": {"id", "label", "visible", "keytip", "insertAfterMso", "insertBeforeMso"},
    "group": {"id", "label", "visible", "keytip", "image", "imageMso", "screentip", "supertip"},
    "button": {
        "id",
        "label",
        "size",
        "imageMso",
        "image",
        "screentip",
        "supertip",
        "tag",
        "onAction",
        "enabled",
        "visible",
        "keytip",
        "showLabel",
        "showImage",
        "description",
    },
}
_CHILDREN = {"customUI": ["ribbon"], "ribbon": ["tabs"], "tabs": ["tab"], "tab": ["group"]}


def _tree() -> ElementTree.Element:
    return ElementTree.fromstring(customui_xml())


def test_element_tree_and_attributes_are_the_schemas() -> None:
    root = _tree()
    assert root.tag == f"{NS}customUI"
    for element in root.iter():
        assert element.tag.startswith(NS), element.tag
        name = element.tag[len(NS) :]
        assert set(element.attrib) <= _ALLOWED[name], (name, set(element.attrib))
        children = [c.tag[len(NS) :] for c in element]
        if name in _CHILDREN:
            assert set(children) <= set(_CHILDREN[name]) and children, name
        elif name == "group":
            assert children and set(children) == {"button"}
        else:
            assert name == "button" and not children


def test_ids_are_unique_ncnames_and_strings_fit() -> None:
    ids = [e.get("id") or "" for e in _tree().iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids))
    assert all(_NCNAME.fullmatch(i) and len(i) <= 1024 for i in ids)
    for element in _tree().iter():
        for key, value in element.attrib.items():
            assert 1 <= len(value) <= 1024, (key, value)
        if "size" in element.attrib:
            assert element.get("size") in ("normal", "large")


def test_groups_in_order_with_their_buttons() -> None:
    groups = _tree().findall(f".//{NS}group")
    assert [g.get("label") for g in groups] == list(GROUPS)
    assert {g.get("label"): [b.get("label") for b in g] for g in groups} == {
        "下发": ["生成模板", "生成邮件", "催报"],
        "汇总": ["收取邮件", "一键汇总", "检查单个文件", "撤销上次汇总"],
        "预警与通报": ["逾期预警", "生成通报", "回头看"],
        "报告": ["生成报告"],
        "学习": ["导入学习积分"],
        "帮助": ["自检"],
    }


def test_buttons_that_need_a_file_ask_for_one() -> None:
    actions = {b.get("tag"): b.get("onAction") for b in _tree().iter(f"{NS}button")}
    assert {t for t, a in actions.items() if a == "ZhenggaiRibbon.OnPickFile"} == {
        "check_return",
        "import_study",
    }
    assert actions["selftest"] == "ZhenggaiRibbon.OnSelfTest"
    assert {b.tag for b in BUTTONS if b.picks} == {"check_return", "import_study"}
