"""``zhenggai collect`` against the floor of fetching the same mail with imaplib.

A synthetic master of U units, the batch issued, one reply per unit delivered
into a real Dovecot on 127.0.0.1 (``tests.support.imapd``): the filled
template, a PDF, a photo and a zip of three scans, written by the mail
programs of ``tests.support.mailbuild`` in turn. Timed, in pairs, back to back:

* **(c) the floor**: imaplib logs in and fetches every message whole (what any
  collector must do);
* **(a) collect**: ``collect_mail`` under ``update_master`` on a fresh copy of
  the master and empty folders: headers, bodies, parsing, guards, saving with
  sha256 de-duplication, 收件记录, the 佐证材料 index, the master's save;
* **(r) rerun**: the same again on the master (a) left: headers only, nothing
  saved, nothing written.

Run: ``python -m bench.collect --units 100 --pairs 3`` (needs ``dovecot``).
"""

from __future__ import annotations

import argparse
import imaplib
import os
import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tests.support.imapd import PASSWORD, Mailbox, dovecot
from tests.support.mailbuild import File, build_reply, craft_zip
from tests.support.synthetic import fill_return, issue_templates, synthetic_master, unit_names
from zhenggai.collect.run import collect_mail
from zhenggai.io.master import update_master
from zhenggai.mail.imap import ImapConfig, ImapInbox

STYLES = ("outlook", "foxmail", "qqmail", "thunderbird")


def build(folder: Path, box: Mailbox, units: int) -> Path:
    master = synthetic_master(folder / "台账.xlsx", units=units, rows=10)
    templates = issue_templates(master, batch="2026年11月", now=datetime(2026, 11, 20, 9))
    names = unit_names(units)
    _set_units(master, {n: f"u{i}@unit.example.org" for i, n in enumerate(names)})
    for i, name in enumerate(names):
        filled = fill_return(templates[name], folder / "填好" / templates[name].name, {})
        scans = craft_zip({f"扫描件/{i}-{k}.pdf": os.urandom(200_000) for k in range(3)})
        files = [
            File(filled.name, filled.read_bytes()),
            File(f"{i}-会议纪要.pdf", os.urandom(300_000)),
            File("现场照片.jpg", os.urandom(1_000_000)),
            File(f"{name}电子档案.zip", scans),
        ]
        raw = build_reply(
            STYLES[i % len(STYLES)],
            sender=f"u{i}@unit.example.org",
            sender_name=name,
            subject=f"【请填报】2026年11月整改进展（{name}）",
            files=files,
        )
        box.deliver(raw)
    return master


def _set_units(master: Path, emails: dict[str, str]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(master)
    for row in wb["单位"].iter_rows(min_row=2):
        if row[1].value in emails:
            row[3].value = emails[row[1].value]
    wb.save(master)


def floor(box: Mailbox) -> float:
    start = time.perf_counter()
    with imaplib.IMAP4_SSL("127.0.0.1", box.ssl_port, ssl_context=box.client_context()) as m:
        m.login(box.user, PASSWORD)
        m.select("INBOX", readonly=True)
        _, data = m.uid("SEARCH", "ALL")
        for uid in data[0].split():
            m.uid("FETCH", uid, "(BODY.PEEK[])")
    return time.perf_counter() - start


def collect(master: Path, box: Mailbox) -> tuple[float, int]:
    config = ImapConfig("127.0.0.1", box.ssl_port, "SSL", box.user)
    start = time.perf_counter()
    with ImapInbox(config, password=PASSWORD, ssl_context=box.client_context()) as inbox:
        result, _ = update_master(
            master, op="收取邮件", plan=lambda ledger: collect_mail(ledger, inbox)
        )
    return time.perf_counter() - start, len(result.files)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    os.environ["ZHENGGAI_TODAY"] = "2026-12-01"
    with dovecot() as server:
        box = server.mailbox()
        work = Path(tempfile.mkdtemp(prefix="zhenggai-bench-collect-"))
        master = build(work / "原始", box, args.units)
        size = sum(p.stat().st_size for p in (box.maildir / "new").iterdir())
        print(f"{args.units} replies, {size / 1e6:.1f} MB of mail")
        rows = []
        for n in range(args.pairs):
            c = floor(box)
            run = work / f"run{n}"
            shutil.copytree(master.parent, run)
            a, files = collect(run / "台账.xlsx", box)
            r, again = collect(run / "台账.xlsx", box)
            rows.append((c, a, r))
            print(
                f"pair {n + 1}: floor {c:.2f} s, collect {a:.2f} s ({files} files), rerun {r:.2f} s ({again})"
            )
        c, a, r = (statistics.median(x) for x in zip(*rows, strict=True))
        ratios = statistics.median(a / c for c, a, _ in rows)
        print(
            f"median: floor {c:.2f} s, collect {a:.2f} s, rerun {r:.2f} s; collect/floor {ratios:.1f}"
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
