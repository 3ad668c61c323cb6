"""The README's picture of the chain of levels, drawn with Pillow.

省 issues a template to 某市; 某市 imports it into its own master, issues its
own templates to its counties, consolidates their returns and answers the
province's template, which the province consolidates. ``make pictures``
draws it with the others (:mod:`tools.pictures`); it needs Pillow (a dev
dependency) and the Noto CJK fonts (``fonts-noto-cjk``, which ``.ci/run`` installs).

    python -m tools.chain docs/pictures/chain.png
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["FONT_FOLDERS", "draw_chain"]

WIDTH, HEIGHT = 1400, 660
FONT_FOLDERS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
)
_SC = 2  # the Simplified Chinese face in the Noto CJK collections
_BANDS = (("省级", "#EAF1FB"), ("市级", "#EEF7EE"), ("县级", "#FBF3E6"))
_BAND_H, _TOP = 210, 15
_INK, _LINE, _EDGE = "#1F2937", "#1D4ED8", "#4B5563"

Font = ImageFont.FreeTypeFont
Point = tuple[float, float]


def _font(size: int, *, bold: bool = False) -> Font:
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    for folder in FONT_FOLDERS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size, index=_SC)
    raise SystemExit(f"make pictures needs the Noto CJK fonts ({name}; Debian: fonts-noto-cjk)")


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float
    title: str
    lines: tuple[str, ...] = ()
    fill: str = "#FFFFFF"

    @property
    def top(self) -> Point:
        return self.x + self.w / 2, self.y

    @property
    def bottom(self) -> Point:
        return self.x + self.w / 2, self.y + self.h

    @property
    def left(self) -> Point:
        return self.x, self.y + self.h / 2

    @property
    def right(self) -> Point:
        return self.x + self.w, self.y + self.h / 2


def _lines(draw: ImageDraw.ImageDraw, centre: Point, lines: tuple[str, ...], font: Font) -> None:
    gap = font.size * 1.4
    x, y = centre
    first = y - gap * (len(lines) - 1) / 2
    for i, line in enumerate(lines):
        draw.text((x, first + i * gap), line, font=font, fill=_INK, anchor="mm")


def _box(draw: ImageDraw.ImageDraw, b: _Box) -> None:
    draw.rounded_rectangle(
        (b.x, b.y, b.x + b.w, b.y + b.h), radius=12, fill=b.fill, outline=_EDGE, width=2
    )
    _lines(draw, (b.x + b.w / 2, b.y + 30), (b.title,), _font(24, bold=True))
    if b.lines:
        _lines(draw, (b.x + b.w / 2, b.y + 30 + (b.h - 30) / 2), b.lines, _font(18))


def _arrow(
    draw: ImageDraw.ImageDraw, points: list[Point], label: tuple[str, ...], at: Point
) -> None:
    draw.line(points, fill=_LINE, width=4, joint="curve")
    (x1, y1), (x2, y2) = points[-2], points[-1]
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1.0)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    head = [
        (x2, y2),
        (x2 - 16 * ux + 8 * uy, y2 - 16 * uy - 8 * ux),
        (x2 - 16 * ux - 8 * uy, y2 - 16 * uy + 8 * ux),
    ]
    draw.polygon(head, fill=_LINE)
    font = _font(17)
    width = max(font.getlength(s) for s in label) + 28
    height = len(label) * font.size * 1.4 + 14
    x, y = at
    draw.rounded_rectangle(
        (x - width / 2, y - height / 2, x + width / 2, y + height / 2),
        radius=8,
        fill="#FFFFFF",
        outline="#93C5FD",
        width=2,
    )
    _lines(draw, at, label, font)


def _band_y(level: int) -> float:
    return _TOP + level * _BAND_H


def draw_chain(path: Path) -> Path:
    """Draw the diagram into the PNG at *path*."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    for level, (name, colour) in enumerate(_BANDS):
        y = _band_y(level)
        draw.rounded_rectangle((15, y, WIDTH - 15, y + _BAND_H - 12), radius=16, fill=colour)
        _lines(draw, (62, y + _BAND_H / 2 - 6), tuple(name), _font(26, bold=True))
    province = _Box(130, _band_y(0) + 40, 270, 118, "省级整改台账", ("给各市下发填报模板",))
    city = _Box(
        130, _band_y(1) + 40, 270, 118, "市级整改台账", ("事项带“上级编号”", "分给甲县、乙县")
    )
    counties = _Box(
        575, _band_y(2) + 40, 270, 118, "甲县、乙县", ("各自填报本县的事项",), "#FFFBF2"
    )
    merged = _Box(1040, _band_y(1) + 40, 300, 118, "市级整改台账", ("各县的进展已汇总",))
    upper = _Box(
        1040,
        _band_y(0) + 40,
        300,
        118,
        "省级整改台账",
        ("某市的进展已汇总", "变更记录写明市里的文件"),
    )
    _arrow(
        draw,
        [province.bottom, (city.top[0], city.top[1] - 2)],
        ("zhenggai import 某市的模板", "--into 市级台账 --split-by 责任单位"),
        (province.bottom[0] + 250, (province.bottom[1] + city.top[1]) / 2),
    )
    _arrow(
        draw,
        [city.bottom, (city.bottom[0], counties.left[1]), (counties.left[0] - 2, counties.left[1])],
        ("zhenggai templates 市级台账",),
        (city.bottom[0] + 165, counties.left[1] - 42),
    )
    _arrow(
        draw,
        [
            counties.right,
            (merged.bottom[0], counties.right[1]),
            (merged.bottom[0], merged.bottom[1] + 2),
        ],
        ("报回的模板放进“回收”", "zhenggai consolidate 市级台账"),
        (merged.bottom[0] - 190, counties.right[1] - 56),
    )
    _arrow(
        draw,
        [merged.top, (upper.bottom[0], upper.bottom[1] + 2)],
        ("zhenggai answer 某市的模板 --from 市级台账", "省里：zhenggai consolidate 省级台账"),
        (merged.top[0] - 300, (merged.top[1] + upper.bottom[1]) / 2),
    )
    for b in (province, city, counties, merged, upper):
        _box(draw, b)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    return path


if __name__ == "__main__":
    print(draw_chain(Path(sys.argv[1] if len(sys.argv) > 1 else "chain.png")))
