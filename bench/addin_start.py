"""Click to first status message: how long a ribbon button keeps the user waiting.

    .venv/bin/python bench/addin_start.py [--runs 7] [--with-pandas] [--before DIR]

RunPython starts a fresh ``python -c "import xl_addin.buttons as b; b.run(tag)"``
for every click. This times, for every button, fresh processes from their start
until

- **dispatcher**: the dispatcher is imported, the moment ``run()`` shows
  "整改台账：<按钮>，正在启动…" (it does so before importing the handler);
- **handler**: the button's handler module and what its body imports are
  loaded and it sets its own first status message ("逾期预警：读取台账…"),

each as a ratio to a bare ``python -c "import xlwings"`` timed the same way in
the same run. No Excel here: the handler gets a stand-in book whose status bar
reports the first message and ends the process; everything before that is the
real code path. pandas is hidden by default, as on an office PC where it is not
installed (it is the "pandas" extra; xlwings imports it when it is there);
``--with-pandas`` leaves it visible. ``--before DIR`` also times an older source
tree (``git archive <commit> | tar -x -C DIR``) whose ``xl_addin.handlers`` was one
module importing the whole library, as every click did then. Not a test:
prints the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xl_addin.buttons_spec import BUTTONS  # noqa: E402

HEAVY = ("pandas", "docx", "jinja2", "pydantic", "openpyxl", "python_calamine")
FILES = {
    "check_return": ROOT / "workbooks" / "示例台账.xlsx",
    "import_study": ROOT / "workbooks" / "学习积分导出-2026年11月.xlsx",
}

CHILD = """
import os, sys
{hide}
import xl_addin.buttons as b
print("dispatcher", flush=True)
from pathlib import Path
from xl_addin.picked import PICKED
HEAVY = {heavy!r}

class App:
    def __getattr__(self, name):
        raise NotImplementedError(name)
    def __setattr__(self, name, value):
        if name == "status_bar" and isinstance(value, str):
            loaded = [m for m in HEAVY if sys.modules.get(m) is not None]
            print("handler|" + value + "|" + ",".join(loaded), flush=True)
            os._exit(0)

class Sheet:
    api = object()  # not a dict: Excel itself, as through COM

class Book:
    app = App()
    sheets = [Sheet()]
    fullname = {fullname!r}
    name = "示例台账.xlsx"

if {file!r}:
    PICKED.set(Path({file!r}))
b.handler({tag!r})(Book())
print("handler|none|", flush=True)
"""


def _time(code: str, marks: tuple[str, ...], *, path: str = "") -> tuple[dict[str, float], str]:
    """Seconds from start to each line starting with one of *marks*, and the last such line."""
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    if path:
        env["PYTHONPATH"] = path
    start = time.perf_counter()
    # -c puts the current folder first on sys.path: run in the tree being timed.
    where = Path(path.split(os.pathsep)[-1]) if path else ROOT
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env, cwd=where
    )
    seen: dict[str, float] = {}
    last = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        word = line.split("|", 1)[0].split(" ", 1)[0].strip()
        if word in marks and word not in seen:
            seen[word] = time.perf_counter() - start
            last = line.strip()
        if len(seen) == len(marks):
            break
    proc.kill()
    proc.wait()
    return seen, last


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--with-pandas", action="store_true")
    parser.add_argument("--before", type=Path, help="an older source tree to time too")
    args = parser.parse_args()
    hide = "" if args.with_pandas else "sys.modules['pandas'] = None"
    base_code = f"import sys\n{hide}\nimport xlwings\nprint('base', flush=True)"
    rows = []
    for button in BUTTONS:
        code = CHILD.format(
            hide=hide,
            heavy=HEAVY,
            fullname=str(ROOT / "workbooks" / "示例台账.xlsx"),
            file=str(FILES.get(button.tag, "")),
            tag=button.tag,
        )
        base, disp, hand, last = [], [], [], ""
        for _ in range(args.runs):  # interleaved with the baseline: load hits both alike
            base.append(_time(base_code, ("base",))[0]["base"])
            seen, last = _time(code, ("dispatcher", "handler"))
            disp.append(seen["dispatcher"])
            hand.append(seen["handler"])
        b, d, h = (statistics.median(x) for x in (base, disp, hand))
        loaded = last.split("|")[2] if last.count("|") == 2 else ""
        rows.append((button.tag, button.label, b, d, h, loaded))
    if args.before:
        tree = f"{args.before / 'lib'}{os.pathsep}{args.before}"
        old = (
            f"import sys\n{hide}\nimport xl_addin.buttons, xl_addin.handlers\n"
            "assert xl_addin.handlers.__file__.endswith('handlers.py')\nprint('old', flush=True)"
        )
        base, then = [], []
        for _ in range(args.runs):
            base.append(_time(base_code, ("base",))[0]["base"])
            then.append(_time(old, ("old",), path=tree)[0]["old"])
        b, t = statistics.median(base), statistics.median(then)
        print(f"before ({args.before}): dispatcher + all handlers {t * 1000:.0f} ms, {t / b:.2f}x")
    print(
        f"pandas {'visible' if args.with_pandas else 'hidden (office PC)'}; median of {args.runs}"
    )
    print(f"{'button':18} {'import xlwings':>14} {'dispatcher':>16} {'handler':>16}  heavy modules")
    for tag, _, b, d, h, loaded in rows:
        print(
            f"{tag:18} {b * 1000:11.0f} ms {d * 1000:8.0f} ms {d / b:4.2f}x "
            f"{h * 1000:8.0f} ms {h / b:4.2f}x  {loaded or '-'}"
        )


if __name__ == "__main__":
    main()
