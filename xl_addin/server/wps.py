"""The WPS 加载项 for this PC, laid out as wpsjs builds one, and its registration.

``zhenggai addin wps`` writes the add-in folder ``zhenggai_<version>`` into
WPS's per-user ``jsaddons`` folder (or ``--out``), as the offline installer of
wpsjs 2.2.3 does (``src/lib/build.js``): ``index.html`` and ``main.js`` (the
entry page and its script list), ``ribbon.xml`` (the 整改台账 tab, one button
per :data:`~xl_addin.buttons_spec.BUTTONS` entry plus the task pane),
``js/`` (the shared core, the WPS adapter, the ribbon callbacks and
``config.js`` with this PC's server address and token), ``ui/taskpane.html``
and ``images/``. It then adds, or replaces, one entry for the add-in in
``publish.xml`` (what wpsjs's installer writes) and ``jsplugins.xml`` (what WPS
reads when ``oem.ini`` points ``JSPluginsServer`` at it) beside it, keeping
every other add-in's entry.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree as SafeET  # type: ignore[import-untyped]

from xl_addin.buttons_spec import BUTTONS
from xl_addin.server.contract import WEB_DIR
from zhenggai import ZhenggaiError, __version__

__all__ = ["ADDIN_NAME", "WpsAddin", "jsaddons_folder", "ribbon_xml", "write_wps_addin"]

ADDIN_NAME = "zhenggai"
REGISTRIES = ("publish.xml", "jsplugins.xml")
# Files of xl_addin/web copied into the add-in folder: (source, destination).
_FILES = (
    ("wps/index.html", "index.html"),
    ("wps/main.js", "main.js"),
    ("wps/js/adapter.js", "js/adapter.js"),
    ("wps/js/ribbon.js", "js/ribbon.js"),
    ("wps/ui/taskpane.html", "ui/taskpane.html"),
    ("wps/images/zhenggai.svg", "images/zhenggai.svg"),
    ("core/zhenggai.js", "js/zhenggai.js"),
    ("core/panel.js", "js/panel.js"),
    ("core/panel.css", "js/panel.css"),
)


@dataclass(frozen=True)
class WpsAddin:
    """What :func:`write_wps_addin` wrote."""

    folder: Path
    registries: tuple[Path, ...]


def jsaddons_folder(environ: dict[str, str] | None = None, *, platform: str = sys.platform) -> Path:
    """WPS's per-user add-in folder (where wpsjs installs add-ins)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    if platform == "win32":
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "kingsoft/wps/jsaddons"
    if platform == "darwin":
        return home / "Library/Containers/com.kingsoft.wpsoffice.mac/Data/.kingsoft/wps/jsaddons"
    return home / ".local/share/Kingsoft/wps/jsaddons"


def ribbon_xml() -> str:
    """The 整改台账 tab: one button per ribbon button, then the task pane."""
    buttons = [
        f'          <button id="zhenggai_{b.tag}" label={quoteattr(b.label)} '
        f'screentip={quoteattr(b.screentip)} onAction="OnAction" getImage="GetImage" size="large"/>'
        for b in BUTTONS
    ]
    buttons.append(
        '          <button id="zhenggai_taskpane" label="进度和结果" screentip="打开任务窗格：各按钮的进度和结果" '
        'onAction="OnAction" getImage="GetImage" size="large"/>'
    )
    lines = "\n".join(buttons)
    return f"""<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" onLoad="OnAddinLoad">
  <ribbon startFromScratch="false">
    <tabs>
      <tab id="zhenggaiTab" label="整改台账">
        <group id="zhenggaiGroup" label="整改台账">
{lines}
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def write_wps_addin(root: Path, *, server: str, token: str) -> WpsAddin:
    """Write the add-in into *root* (a ``jsaddons`` folder) and register it there."""
    folder = root / f"{ADDIN_NAME}_{__version__}"
    if folder.exists():
        shutil.rmtree(folder)
    for source, target in _FILES:
        dest = folder / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(WEB_DIR / source, dest)
    (folder / "ribbon.xml").write_text(ribbon_xml(), encoding="utf-8")
    config = json.dumps({"server": server, "token": token}, ensure_ascii=False)
    (folder / "js" / "config.js").write_text(
        f"// Written by `zhenggai addin wps` for this PC: keep it private.\nvar ZHENGGAI_CONFIG = {config};\n",
        encoding="utf-8",
    )
    return WpsAddin(folder, tuple(_register(root / name, folder.name) for name in REGISTRIES))


def _register(path: Path, folder_name: str) -> Path:
    if path.exists():
        try:
            tree = SafeET.parse(path)
        except (ET.ParseError, ValueError) as exc:
            raise ZhenggaiError(
                f"{path} 不是有效的 XML（{exc}），没有改动它。请检查或删除后重试。"
            ) from exc
        root = tree.getroot()
    else:
        root = ET.Element("jsplugins")
    for old in [e for e in root if e.get("name") == ADDIN_NAME]:
        root.remove(old)
    ET.SubElement(
        root,
        "jsplugin",
        {
            "name": ADDIN_NAME,
            "type": "et",
            "url": folder_name,
            "version": __version__,
            "enable": "enable_dev",
            "install": "null",
            "customDomain": "",
        },
    )
    ET.indent(root)
    path.write_text(ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
    return path
