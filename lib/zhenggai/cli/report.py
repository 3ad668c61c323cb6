"""``zhenggai report``: draft the rectification report."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import after
from ..core.sheets import REPORT
from ..documents.gongwen import write_docx
from ..documents.report import ReportResult, draft_report
from ..documents.wording import load_template
from ..io.master import SaveResult, update_master
from ._base import (
    ZhCommand,
    document_json,
    draft_exit,
    draft_written,
    echo_json,
    json_option,
    master_argument,
    option,
    out,
    problems_json,
    saved_json,
    today_option,
    warn_placeholders,
)


@click.command("report", cls=ZhCommand)
@master_argument
@option(
    "--docx",
    "docx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="报告.docx",
    help="同时生成公文格式（GB/T 9704）的 Word 文件。",
)
@option("--text", "show_text", is_flag=True, help="在屏幕上显示报告全文。")
@today_option("起草日期（成文日期留空时用它，回头看也按它计算），默认今天。")
@option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="模板.j2",
    help="用自己的措辞模板；默认用“设置”表的“报告模板”，都没有则用内置模板。",
)
@json_option
def report_command(
    master: Path,
    docx_path: Path | None,
    show_text: bool,
    template: Path | None,
    as_json: bool,
) -> int:
    """起草整改情况报告：写入“报告草稿”表，可另存 Word 文件。

    按示例报告的结构，从台账重建：主送机关、开头一段、一（工作开展情况）、
    二（统计数字和分类别的存在问题、整改情况）、三（下一步打算，含长期坚持事项和回头看）、落款和成文日期。

    例：zhenggai report 整改台账.xlsx --docx 整改情况报告.docx
    """
    wording = load_template(template, origin="--template 选项") if template else None
    result, saved = update_master(
        master, op="报告", plan=lambda ledger: draft_report(ledger, wording=wording)
    )
    if not as_json:
        warn_placeholders(result.problems)  # before the Word file is written
    docx = None
    if docx_path is not None:
        with after(SaveResult.words(saved, "报告草稿已写入台账")):
            docx = write_docx(result.document, docx_path).resolve()
    if as_json:
        echo_json(
            {
                **document_json(result.document),
                "stats": result.stats.to_dict(),
                "template": result.template,
                "problems": problems_json(result.problems),
                "docx": docx,
                "saved": saved_json(saved),
            }
        )
        return draft_exit(result.problems)
    if show_text:
        out.print(result.document.text())
        out.print()
    _summary(result)
    return draft_written(REPORT.name, saved, docx, result.problems)


def _summary(result: ReportResult) -> None:
    s, w = result.stats, result.stats.word
    # the same breakdown as the documents' statistics sentence, so the two never disagree
    parts = [f"尚未启动 {s.not_started} {w}"] if s.not_started else []
    parts += [f"{s.partly_started} {w}尚有单位未启动"] if s.partly_started else []
    among = f"（其中{'，'.join(parts)}）" if parts else ""
    out.print(
        f"问题 {s.findings} 个，{s.basis}共 {s.total} {w}：已完成 {s.done} {w}，"
        f"正在整改 {s.in_progress} {w}{among}，长期坚持 {s.ongoing} {w}，"
        f"已逾期 {s.overdue} {w}；完成率 {s.rate_text}。模板：{result.template}",
    )
