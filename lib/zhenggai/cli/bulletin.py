"""``zhenggai bulletin``."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import after
from ..core.sheets import BULLETIN
from ..documents.bulletin import draft_bulletin
from ..documents.gongwen import write_docx
from ..documents.wording import load_template
from ..io.master import SaveResult, update_master
from ._base import (
    ZhCommand,
    document_json,
    draft_exit,
    draft_written,
    echo_json,
    err,
    json_option,
    master_argument,
    option,
    out,
    problems_json,
    saved_json,
    today_option,
    warn_placeholders,
)


@click.command("bulletin", cls=ZhCommand)
@master_argument
@option(
    "--docx",
    "docx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="通报.docx",
    help="同时生成公文格式（GB/T 9704）的 Word 文件。",
)
@today_option("通报日期，也按这一天计算逾期，如 2026-12-08（默认今天）。")
@option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="模板.j2",
    help="用自己的措辞模板；默认用“设置”表的“通报模板”，都没有则用内置模板。",
)
@json_option
def bulletin_command(
    master: Path, docx_path: Path | None, template: Path | None, as_json: bool
) -> int:
    """起草督查通报，写入“通报草稿”表，可另存 Word 文件。

    内容：最近一批填报表的按时报送、逾期报送和未报送单位（报送截止见“设置”），
    各单位完成率排名，逾期未完成事项及逾期天数，最后是工作要求。
    措辞在模板中，可在“设置”的“通报模板”或 --template 指定自己的模板；
    标题、主送、落款、版头和版记在“设置”表填写。

    例：zhenggai bulletin 整改台账.xlsx --docx 督查通报.docx
    """
    wording = load_template(template, origin="--template 选项") if template else None
    with err.status("正在起草督查通报……"):
        result, saved = update_master(
            master, op="通报", plan=lambda ledger: draft_bulletin(ledger, wording=wording)
        )
    if not as_json:
        warn_placeholders(result.problems)  # before the Word file is written
    docx = None
    if docx_path is not None:
        with after(SaveResult.words(saved, "通报草稿已写入台账")):
            docx = write_docx(result.document, docx_path).resolve()
    if as_json:
        echo_json(
            {
                **document_json(result.document),
                "batch": result.batch.batch if result.batch else None,
                "not_returned": [u.unit for u in result.batch.missing] if result.batch else [],
                "units": [
                    {
                        "unit": u.unit,
                        "rank": u.rank,
                        "total": u.total,
                        "done": u.done,
                        "overdue": u.overdue,
                        "rate": u.rate,
                    }
                    for u in result.units
                ],
                "overdue": [{"id": i.id, "unit": i.unit, "days": i.days} for i in result.overdue],
                "stats": result.stats.to_dict() if result.stats else None,
                "problems": problems_json(result.problems),
                "docx": docx,
                "saved": saved_json(saved),
            }
        )
        return draft_exit(result.problems)
    out.print(result.document.text())
    out.print()
    return draft_written(BULLETIN.name, saved, docx, result.problems)
