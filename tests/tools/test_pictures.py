"""The README's pictures exist, are real PNGs, and the README shows every one of them."""

from __future__ import annotations

import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from tools.chain import FONT_FOLDERS, draw_chain
from tools.pictures import PICTURES, make_pictures

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "docs" / "pictures"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of the PNG at *path*, after checking every chunk's CRC and the pixels.

    Raises AssertionError for anything that is not a whole, decodable PNG.
    """
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name}: not a PNG"
    pos, chunks, pixels = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{path.name}: bad CRC in {kind!r}"
        chunks.append(kind)
        if kind == b"IDAT":
            pixels += body
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND", path.name
    ihdr = data[16:29]
    width, height, depth, colour = struct.unpack(">IIBB", ihdr[:10])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(pixels)
    assert len(raw) == height * (1 + (width * channels * depth + 7) // 8), path.name
    return width, height


@pytest.mark.parametrize("name", PICTURES)
def test_picture_is_a_whole_png_of_a_readable_size(name):
    width, height = png_size(FOLDER / name)
    assert 400 <= width <= 2000 and height >= 60, (name, width, height)


def test_readme_shows_every_picture_and_only_existing_ones():
    shown = re.findall(
        r"!\[[^\]]*\]\((docs/pictures/[^)]+)\)|src=\"(docs/pictures/[^\"]+)\"", README
    )
    shown = [a or b for a, b in shown]
    assert sorted(set(shown)) == sorted(f"docs/pictures/{n}" for n in PICTURES)
    assert not (set(p.name for p in FOLDER.iterdir()) - set(PICTURES)), "stale pictures"


def test_the_chain_diagram_is_drawn_as_committed(tmp_path):
    """The diagram needs no LibreOffice: drawn afresh, it is the committed picture's size."""
    if not any((d / "NotoSansCJK-Regular.ttc").exists() for d in FONT_FOLDERS):
        pytest.skip("Noto CJK 字体未安装（.ci/run 会安装 fonts-noto-cjk）")
    drawn = draw_chain(tmp_path / "chain.png")
    assert png_size(drawn) == png_size(FOLDER / "chain.png") == (1400, 660)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装（.ci/run 会安装）"
)
def test_make_pictures_renders_them_from_the_demo(tmp_path):
    made = make_pictures(tmp_path)
    assert [p.name for p in made] == list(PICTURES)
    for path in made:
        width, _ = png_size(path)
        committed = png_size(FOLDER / path.name)
        # the same page at the same scale: the committed picture is current in shape
        assert abs(width - committed[0]) <= 0.1 * committed[0], path.name
