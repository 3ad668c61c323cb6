"""The office's choices, kept in the master's 设置 sheet.

Every setting is declared once here: its 项目 name (what users see), its
default and its 说明. ``zhenggai init`` writes these rows; :func:`read_settings`
reads them back, falling back to the default for a row that is missing or
blank, and naming the cell of a value that cannot be used.

Passwords never live here: mail passwords come from the environment
(``ZHENGGAI_SMTP_PASSWORD``, ``ZHENGGAI_IMAP_PASSWORD``), the system keyring or a prompt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from .errors import SettingsError
from .problems import Code, Problem, cell_name
from .text import Value, normalise_text

__all__ = [
    "SETTINGS_HEADER",
    "SETTINGS_SHEET",
    "Settings",
    "read_settings",
    "setting_cell",
    "settings_rows",
]

SETTINGS_SHEET = "设置"
SETTINGS_HEADER = ("项目", "值", "说明")


def _s(name: str, default: Any, note: str, *, choices: tuple[str, ...] = ()) -> Any:
    return dataclasses.field(
        default=default, metadata={"name": name, "note": note, "choices": choices}
    )


@dataclass(frozen=True)
class Settings:
    """Typed view of the 设置 sheet. Attribute names are English, 项目 names Chinese."""

    # the report (整改情况报告)
    report_title: str = _s("报告标题", "关于督查反馈问题整改情况的报告", "报告和 Word 文件的标题")
    recipient: str = _s("主送机关", "", "报告开头的主送机关，如“网信办”")
    notice: str = _s("通知名称", "", "督查/巡察/审计通知的全称，带书名号")
    issuer: str = _s("落款", "", "报告末尾的署名单位，如“中共××党组”")
    report_date: str = _s("成文日期", "", "留空则用运行当天，写法如 2026年11月28日")
    report_template: str = _s(
        "报告模板", "", "自定义报告措辞的 Jinja2 模板文件路径，留空用内置模板"
    )
    count_basis: str = _s(
        "统计口径",
        "自动",
        "报告、通报和“统计”表怎么数：按整改措施计（几个单位共同承担的措施算一条）或按台账事项计（台账每行算一项）；"
        "自动：有措施分给几个单位时按整改措施计，否则按台账事项计",
        choices=("自动", "按整改措施计", "按台账事项计"),
    )
    # the 公文 parts of the Word file (GB/T 9704): each is left out while its setting is blank
    org_mark: str = _s(
        "发文机关标志", "", "报告版头的红色机关标志，如“中共××局党组文件”；留空则报告不排版头"
    )
    doc_number: str = _s("发文字号", "", "报告的发文字号，如“××党组〔2026〕12号”，排在版头")
    signer: str = _s("签发人", "", "上行文的签发人姓名，与发文字号排在同一行；多人用“、”分开")
    report_cc: str = _s(
        "抄送", "", "报告版记的抄送机关，多个用“，”分开；与“印发机关”都留空则不排版记"
    )
    report_attachments: str = _s(
        "报告附件", "", "报告的附件名称，多个用“；”或换行分开；留空则没有附件说明"
    )
    printer: str = _s("印发机关", "", "版记的印发机关，如“中共××局党组办公室”（报告和通报共用）")
    print_date: str = _s("印发日期", "", "版记的印发日期，留空则与成文日期相同")
    author: str = _s("文档作者", "", "Word 文件属性中的作者，留空用落款")
    # deadlines, warnings, bulletin and 回头看 (overdue)
    base_year: int = _s("基准年份", 0, "“6月底”这类不写年份的时限按此年份理解；0 表示运行当年")
    warn_orange_days: int = _s("橙色预警天数", 7, "距时限不超过此天数标橙")
    warn_yellow_days: int = _s("黄色预警天数", 30, "距时限不超过此天数标黄")
    day_count: str = _s(
        "预警计日方式",
        "自然日",
        "自然日或工作日（工作日按法定节假日和“节假日”表）；选工作日时，预警天数和“N天后到期”按工作日计，"
        "“已逾期N天”仍按自然日计",
        choices=("自然日", "工作日"),
    )
    start_date: str = _s(
        "整改起始日期",
        "",
        "收到督查通知、开始整改的日期；未完成的“立行立改”事项从这天起算逾期，留空则视为当天到期",
    )
    review_after_days: int = _s("回头看间隔天数", 90, "完成或销号超过此天数的事项列入“回头看”")
    bulletin_template: str = _s(
        "通报模板", "", "自定义督查通报措辞的 Jinja2 模板文件路径，留空用内置模板"
    )
    bulletin_title: str = _s("通报标题", "关于督查反馈问题整改进展情况的通报", "督查通报的标题")
    bulletin_recipient: str = _s("通报主送", "各责任单位", "督查通报的主送机关，留空则不写主送")
    bulletin_issuer: str = _s("通报落款", "", "督查通报的署名，留空用“落款”")
    bulletin_mark: str = _s(
        "通报发文机关标志", "", "通报版头的红色标志，如“督查通报”；留空则通报不排版头"
    )
    bulletin_number: str = _s("通报发文字号", "", "通报的期号或发文字号，如“第3期”，排在版头")
    bulletin_cc: str = _s("通报抄送", "", "通报版记的抄送机关；与“印发机关”都留空则不排版记")
    bulletin_attachments: str = _s("通报附件", "", "通报的附件名称，多个用“；”或换行分开")
    # templates and returns
    return_deadline: str = _s("报送截止", "每月25日前", "填报说明和邮件中写明的报送时限")
    contact: str = _s("联系人", "", "填报说明中的办公室联系人")
    contact_phone: str = _s("联系电话", "", "填报说明中的联系电话")
    template_password: str = _s(
        "模板保护密码", "", "下发模板的工作表保护密码，留空则无密码保护（仅防误改）"
    )
    max_text_length: int = _s("单元格字数上限", 2000, "填报单元格允许的最多字数")
    issue_folder: str = _s("下发文件夹", "下发", "相对台账所在文件夹")
    returns_folder: str = _s("回收文件夹", "回收", "各单位报回的文件放这里，相对台账所在文件夹")
    feedback_folder: str = _s("反馈文件夹", "反馈", "问题清单输出位置")
    backup_folder: str = _s("备份文件夹", "备份", "每次修改台账前的备份位置")
    backups_kept: int = _s("备份保留份数", 20, "超过后删除最早的备份")
    # mail (the password is never stored in the workbook)
    smtp_host: str = _s("SMTP服务器", "", "如 smtp.example.org")
    smtp_port: int = _s("SMTP端口", 465, "SSL 一般 465，STARTTLS 一般 587")
    smtp_user: str = _s(
        "SMTP用户", "", "登录用户名；密码请设环境变量 ZHENGGAI_SMTP_PASSWORD 或运行时输入"
    )
    smtp_security: str = _s(
        "SMTP加密", "SSL", "无、STARTTLS 或 SSL", choices=("无", "STARTTLS", "SSL")
    )
    sender: str = _s("发件人地址", "", "留空则用 SMTP用户")
    sender_name: str = _s("发件人名称", "", "收件人看到的发件人名称，如“××办公室”")
    mail_subject: str = _s(
        "邮件主题", "【请填报】{批次}整改进展（{单位}）", "可用 {批次} {单位} {截止}"
    )
    mail_body: str = _s(
        "邮件正文",
        "{单位}：\n\n附件是贵单位{批次}整改进展填报表，请在{截止}填好整改状态、进展、完成时间和佐证材料，"
        "保存后原文件回复本邮件。请勿增删行列或修改灰色列。\n\n谢谢！",
        "可用 {批次} {单位} {截止}",
    )
    reminder_body: str = _s(
        "催报邮件正文",
        "{单位}：\n\n贵单位{批次}整改进展填报表尚未报送，请于{截止}报送。附件为原填报表。\n\n谢谢！",
        "可用 {批次} {单位} {截止} {截至} {逾期事项}；有逾期事项而正文没写 {逾期事项} 时，清单附在正文后",
    )
    # reminders (zhenggai mail --reminder)
    reminder_subject: str = _s(
        "催报邮件主题", "【催报】{批次}整改进展（{单位}）", "可用 {批次} {单位} {截止}"
    )
    overdue_body: str = _s(
        "逾期提醒正文",
        "{单位}：\n\n截至{截至}，贵单位以下整改事项已超过整改时限，请抓紧推进，"
        "并在下次报送时如实填写整改进展：\n\n{逾期事项}\n\n谢谢！",
        "已报送本批次、但有逾期事项的单位收到的催报正文；可用 {批次} {单位} {截止} {截至} {逾期事项}"
        "（{截至} 是写邮件的日期，逾期天数按这一天计算）",
    )
    # collecting replies from the mailbox (zhenggai collect); the password is never stored here
    imap_host: str = _s("IMAP服务器", "", "收取各单位回复邮件的服务器，如 imap.example.org")
    imap_port: int = _s("IMAP端口", 993, "SSL 一般 993，STARTTLS 一般 143")
    imap_security: str = _s("IMAP加密", "SSL", "SSL 或 STARTTLS", choices=("SSL", "STARTTLS"))
    imap_user: str = _s(
        "IMAP用户",
        "",
        "登录用户名，留空则用 SMTP用户；密码请设环境变量 ZHENGGAI_IMAP_PASSWORD、"
        "用 zhenggai collect 台账.xlsx --save-password 存进系统密码库，或运行时输入",
    )
    imap_folder: str = _s(
        "收件文件夹", "INBOX", "从邮箱的哪个文件夹收取：INBOX 是收件箱，自建的文件夹写它的名称"
    )
    evidence_folder: str = _s(
        "电子档案文件夹",
        "电子档案",
        "各单位邮件附件中的佐证材料存放位置（按 批次/单位 分文件夹），相对台账所在文件夹",
    )
    count_evidence: str = _s(
        "统计佐证材料",
        "自动",
        "通报和逾期预警是否统计“已完成但没有佐证材料文件”的事项：自动（“佐证材料”表有文件时统计）、是、否",
        choices=("自动", "是", "否"),
    )
    report_evidence: str = _s(
        "报告列出佐证材料",
        "否",
        "整改情况报告是否在每条措施后列出“佐证材料”表中的文件名：是、否",
        choices=("是", "否"),
    )
    # importing ledgers made elsewhere (zhenggai import)
    import_placeholders: str = _s(
        "导入占位符",
        "\\ ＼ / ／ — —— – - － 无 暂无",
        "导入已有台账时当作空白的单元格内容（整格只有这些字），用空格分开",
    )
    # study statistics
    study_threshold: float = _s("学习积分低分线", 100, "本期积分低于此数的人员列为“活跃度不高”")
    study_mail_subject: str = _s(
        "学习提醒邮件主题",
        "【学习提醒】{期间}学习强国学习情况（{单位}）",
        "可用 {期间} {单位}",
    )
    study_mail_body: str = _s(
        "学习提醒邮件正文",
        "{单位}：\n\n{名单}\n\n请督促以上同志按要求参加学习强国学习，切实提高学习活跃度。"
        "如有请假等特殊情况，请回复说明。\n\n谢谢！",
        "可用 {期间} {单位} {名单} {低分线}；{名单} 是本单位未学习和积分偏低人员及其积分",
    )


def read_settings(grid: Sequence[Sequence[Value]], *, sheet: str = SETTINGS_SHEET) -> Settings:
    """Read the 设置 sheet's grid into :class:`Settings`.

    Unknown 项目 rows are ignored (an office may keep notes there).

    Raises:
        SettingsError: a value has the wrong type or is not one of the choices.
    """
    by_name = {f.metadata["name"]: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for r, row in enumerate(grid, start=1):
        if len(row) < 2 or row[0] is None:
            continue
        f = by_name.get(normalise_text(str(row[0])))
        raw = row[1]
        if f is None or raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        value, error = _convert(raw, f.type, f.metadata["choices"])
        if error:
            problems.append(
                Problem(
                    Code.SETTING_INVALID,
                    f"“{f.metadata['name']}”{error}",
                    sheet=sheet,
                    cell=cell_name(r, 2),
                    value=str(raw),
                )
            )
        else:
            values[f.name] = value
    if problems:
        lines = [f"{p.where}：{p.message}（现为“{p.value}”）" for p in problems]
        raise SettingsError("工作表“设置”有无法使用的值：\n" + "\n".join(lines), problems=problems)
    return Settings(**values)


def _convert(raw: Value, type_: Any, choices: tuple[str, ...]) -> tuple[Any, str]:
    if type_ in (int, "int"):
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            return None, "应为整数。"
        try:
            number = float(str(raw).strip()) if isinstance(raw, str) else float(raw)
        except ValueError:
            return None, "应为整数。"
        if not number.is_integer() or number < 0:
            return None, "应为不小于 0 的整数。"
        return int(number), ""
    if type_ in (float, "float"):
        try:
            return float(str(raw).strip()) if isinstance(raw, str) else float(raw), ""  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None, "应为数字。"
    if isinstance(raw, date):  # datetime too
        text = f"{raw.year}年{raw.month}月{raw.day}日"
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = str(raw)
    text = text.strip() if "\n" in text else normalise_text(text)
    if choices and text not in choices:
        return None, f"只能是：{'、'.join(choices)}。"
    return text, ""


def settings_rows(settings: Settings | None = None) -> list[list[Any]]:
    """The 设置 sheet's rows (header first), with the given or default values."""
    settings = settings or Settings()
    rows: list[list[Any]] = [list(SETTINGS_HEADER)]
    for f in fields(Settings):
        rows.append([f.metadata["name"], getattr(settings, f.name), f.metadata["note"]])
    return rows


def setting_cell(grid: Sequence[Sequence[Value]], name: str) -> str:
    """The 值 cell of 项目 *name* in the 设置 sheet's *grid* ("B12"), or '' when it has no row."""
    for r, row in enumerate(grid, start=1):
        if row and row[0] is not None and normalise_text(str(row[0])) == name:
            return cell_name(r, 2)
    return ""
