"""README pictures from the demo: ``make pictures`` (LibreOffice -> PDF -> pdftoppm PNG).

Runs the monthly flow on the demo ledger with the installed ``zhenggai`` (one
day, 2026-11-28, so every date agrees), then renders:

======================  ============================================================
``template.png``        a unit's template: grey locked columns, white columns to fill
``ledger-warnings.png`` the 台账 after 逾期预警 (the columns that matter, 预警 coloured)
``stats-chart.png``     the 统计 sheet with its two charts
``problem-list.png``    the 问题清单 a unit gets back
``report-page1.png``    page 1 of the 整改情况报告 .docx
``bulletin-page1.png``  page 1 of the 督查通报 .docx
``chain.png``           the chain of levels (:mod:`tools.chain`: a diagram drawn with Pillow)
======================  ============================================================

Spreadsheets are exported with LibreOffice's "SinglePageSheets" option (each
visible sheet on one page sized to its content), so a page is a whole sheet.

    python -m tools.pictures [--out docs/pictures]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from tools.chain import draw_chain

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-11-28"
BATCH = "2026年11月"
UNIT = "宣传教育科"  # returns with a problem: its template and its 问题清单
LEDGER_COLUMNS = ("编号", "存在问题", "整改措施", "责任单位", "整改时限", "整改状态", "预警")
SINGLE_PAGE_SHEETS = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
MAX_WIDTH = 1600  # pixels: wide sheets are scaled down to this
DPI = 110

PICTURES = (
    "template.png",
    "ledger-warnings.png",
    "stats-chart.png",
    "problem-list.png",
    "report-page1.png",
    "bulletin-page1.png",
    "chain.png",
)

__all__ = ["PICTURES", "main", "make_pictures"]


def _zhenggai(*args: str | Path, cwd: Path) -> None:
    env = {**os.environ, "ZHENGGAI_TODAY": DAY}
    code = subprocess.run(
        [sys.executable, "-m", "zhenggai", *map(str, args)], cwd=cwd, env=env, capture_output=True
    ).returncode
    if code not in (0, 1):  # 1: the demo's returns have problems on purpose
        raise SystemExit(f"zhenggai {' '.join(map(str, args))} exited {code}")


def demo_round(folder: Path) -> Path:
    """The demo ledger after a month: templates, returns, consolidation, warnings, documents."""
    _zhenggai("init", "示例台账.xlsx", "--demo", cwd=folder)
    _zhenggai("templates", "示例台账.xlsx", "--batch", BATCH, cwd=folder)
    subprocess.run(
        [sys.executable, "-m", "zhenggai.demo.returns", f"下发/{BATCH}", "回收"],
        cwd=folder,
        env={**os.environ, "ZHENGGAI_TODAY": DAY},
        check=True,
        capture_output=True,
    )
    _zhenggai("consolidate", "示例台账.xlsx", cwd=folder)
    _zhenggai("overdue", "示例台账.xlsx", cwd=folder)
    _zhenggai("bulletin", "示例台账.xlsx", "--docx", "督查通报.docx", cwd=folder)
    _zhenggai("report", "示例台账.xlsx", "--docx", "整改情况报告.docx", cwd=folder)
    return folder / "示例台账.xlsx"


def _to_pdf(source: Path, outdir: Path, *, spreadsheet: bool) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("make pictures needs LibreOffice (soffice) on PATH")
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            SINGLE_PAGE_SHEETS if spreadsheet else "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return outdir / f"{source.stem}.pdf"


def _page_width(pdf: Path, page: int) -> float:
    info = subprocess.run(
        ["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in info.splitlines() if x.startswith(f"Page{page:>5} size:"))
    return float(line.split(":", 1)[1].split("x")[0])


def _to_png(pdf: Path, page: int, target: Path, *, dpi: int = DPI) -> Path:
    width_pt = _page_width(pdf, page)
    dpi = max(40, min(dpi, int(MAX_WIDTH / (width_pt / 72))))
    stem = target.with_suffix("")
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", *pages, "-r", str(dpi), "-singlefile", "-png", str(pdf), str(stem)], check=True
    )
    return target


def _only_sheet(master: Path, sheet: str, target: Path, *, columns: tuple[str, ...] = ()) -> Path:
    """A copy of *master* showing only *sheet* (and only *columns* of it, when given)."""
    wb = openpyxl.load_workbook(master)
    for ws in wb.worksheets:
        if ws.title != sheet:
            ws.sheet_state = "hidden"
    ws = wb[sheet]
    wb.active = wb.worksheets.index(ws)
    if columns:
        for number, cell in enumerate(ws[1], start=1):
            if cell.value not in columns:
                ws.column_dimensions[get_column_letter(number)].hidden = True
    wb.save(target)
    return target


def _visible_index(master: Path, sheet: str) -> int:
    """1-based page of *sheet* in a SinglePageSheets export (one page per visible sheet)."""
    wb = openpyxl.load_workbook(master, read_only=True)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    wb.close()
    return visible.index(sheet) + 1


def make_pictures(out: Path) -> list[Path]:
    """Render every README picture into *out*; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zhenggai-pictures-") as tmp:
        work = Path(tmp)
        demo = work / "demo"
        demo.mkdir()
        master = demo_round(demo)
        pdfs = work / "pdf"
        pdfs.mkdir()
        template = demo / "下发" / BATCH / f"{UNIT}-整改进展填报-{BATCH}.xlsx"
        feedback = demo / "反馈" / BATCH / f"{UNIT}-问题清单.xlsx"
        ledger_only = _only_sheet(master, "台账", work / "台账.xlsx", columns=LEDGER_COLUMNS)
        master_pdf = _to_pdf(master, pdfs, spreadsheet=True)
        made = [
            _to_png(_to_pdf(template, pdfs, spreadsheet=True), 1, out / "template.png"),
            _to_png(_to_pdf(ledger_only, pdfs, spreadsheet=True), 1, out / "ledger-warnings.png"),
            _to_png(master_pdf, _visible_index(master, "统计"), out / "stats-chart.png"),
            _to_png(_to_pdf(feedback, pdfs, spreadsheet=True), 1, out / "problem-list.png"),
            _to_png(
                _to_pdf(demo / "整改情况报告.docx", pdfs, spreadsheet=False),
                1,
                out / "report-page1.png",
                dpi=60,
            ),
            _to_png(
                _to_pdf(demo / "督查通报.docx", pdfs, spreadsheet=False),
                1,
                out / "bulletin-page1.png",
                dpi=60,
            ),
            draw_chain(out / "chain.png"),
        ]
    return made


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.pictures [--out FOLDER]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.pictures", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pictures")
    args = parser.parse_args(argv)
    for path in make_pictures(args.out):
        print(f"{path}  {path.stat().st_size / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
