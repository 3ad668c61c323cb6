"""Any single-byte corruption of a valid return never ends a run abnormally.

Each example changes one byte of a real return — of the file as stored or as
deflated (the byte lands in a member, its checksum or the zip's directory),
or of one member's XML with the zip rebuilt around it (checksums right, so
the change reaches the XML parsers) — and runs the real ``zhenggai check``
against the master in a
subprocess: an abort or a panic would show as a signal or a traceback, not
as a verdict. ``bench/corrupt.py`` runs the same sweep thousands of times.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.returns_kit import fill, issue

ZHENGGAI = Path(sys.executable).with_name("zhenggai")
pytestmark = pytest.mark.slow


def restore(src: Path, dest: Path, method: int) -> bytes:
    """*src* rewritten with every member compressed by *method*; its bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", method) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    return dest.read_bytes()


XML = -1  # the third kind: a byte of the members' XML, checksums right


def with_xml_byte(good: bytes, offset: int, byte: int, dest: Path) -> None:
    """*good* with byte *offset* of its members' XML (counted across them) set to *byte*."""
    import io

    with (
        zipfile.ZipFile(io.BytesIO(good)) as zin,
        zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        at = offset
        for info in zin.infolist():
            body = zin.read(info)
            if 0 <= at < len(body):
                body = (
                    body[:at]
                    + bytes([byte if byte != body[at] else (byte + 1) % 256])
                    + body[at + 1 :]
                )
            at -= len(body)
            zout.writestr(info.filename, body)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, bytes], Path]:
    from zhenggai.demo.ledger import create_demo_master

    root = tmp_path_factory.mktemp("corrupt")
    master = create_demo_master(root / "台账.xlsx")
    template = issue(master)["人事科"]
    good = fill(template, root / "good.xlsx", {("4", "progress"): "已完成", ("4", "remark"): "无"})
    variants = {
        m: restore(good, root / f"v{m}.xlsx", m) for m in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
    }
    variants[XML] = good.read_bytes()
    return master, variants, root


def run_check(master: Path, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ZHENGGAI), "check", str(path), "--master", str(master), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same 25 corruptions in every CI run; bench/corrupt.py explores
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, XML]),
    at=st.floats(0, 1, exclude_max=True),
    byte=st.integers(0, 255),
)
def test_any_single_byte_corruption_never_ends_the_run_abnormally(world, method, at, byte):
    master, variants, root = world
    path = root / "回收" / "人事科-整改进展填报-2026年11月.xlsx"
    path.parent.mkdir(exist_ok=True)
    if method == XML:
        with zipfile.ZipFile(root / "good.xlsx") as zf:
            size = sum(i.file_size for i in zf.infolist())
        offset = int(at * size)
        with_xml_byte(variants[XML], offset, byte, path)
    else:
        data = bytearray(variants[method])
        offset = int(at * len(data))
        data[offset] = byte if byte != data[offset] else (byte + 1) % 256
        path.write_bytes(bytes(data))
    proc = run_check(master, path)
    kind = {
        zipfile.ZIP_STORED: "stored return",
        zipfile.ZIP_DEFLATED: "deflated return",
        XML: "XML",
    }
    where = f"byte {offset} of the {kind[method]}"
    assert proc.returncode in (0, 1), f"{where}: exit {proc.returncode}\n{proc.stderr[-3000:]}"
    for crash in ("Traceback", "panicked", "程序内部错误", "MemoryError"):
        assert crash not in proc.stderr, f"{where}:\n{proc.stderr[-3000:]}"
    verdict = json.loads(proc.stdout)["verdict"]
    assert verdict in ("applied", "partly-applied", "rejected"), where
