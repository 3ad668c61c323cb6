"""The ribbon XML (``customUI/customUI.xml``) of the add-in.

The part ``customUI/customUI.xml`` is in the Office 2007 namespace
(``http://schemas.microsoft.com/office/2006/01/customui``), which every Excel
from 2007 on reads, and the builder links it from ``_rels/.rels`` with the
matching 2006 relationship type, as xlwings' own ``xlwings.xlam`` does (its
quickstart template uses Office 2010's type, unknown to Excel 2007).
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from xl_addin.buttons_spec import BUTTONS, GROUPS, Button

__all__ = ["CUSTOMUI_NS", "customui_xml"]

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"
TAB_LABEL = "整改台账"


def customui_xml(buttons: tuple[Button, ...] = BUTTONS) -> bytes:
    """Return the UTF-8 customUI document: one tab, a group per :data:`GROUPS` entry in use."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{CUSTOMUI_NS}">',
        "  <ribbon>",
        "    <tabs>",
        f'      <tab id="zhenggaiTab" label={quoteattr(TAB_LABEL)}>',
    ]
    for number, group in enumerate(GROUPS, start=1):
        members = [b for b in buttons if b.group == group]
        if not members:
            continue
        lines.append(f'        <group id="zhenggaiGroup{number}" label={quoteattr(group)}>')
        for button in members:
            attrs = {
                "id": f"zg_{button.tag}",
                "label": button.label,
                "size": "large",
                "imageMso": button.image_mso,
                "screentip": button.screentip,
                "tag": button.tag,
                "onAction": button.on_action,
            }
            joined = " ".join(f"{key}={quoteattr(value)}" for key, value in attrs.items())
            lines.append(f"          <button {joined} />")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")
