"""The Office.js add-in's XML manifest for this PC: ribbon tab, buttons, task pane.

Every button of :data:`xl_addin.buttons_spec.BUTTONS` becomes an
``ExecuteFunction`` command calling ``zhenggaiRun`` in the function file
(``commands.html``), which tells the buttons apart by their control id
``zhenggai.<tag>``. One more button opens the task pane. The pages are served
by ``zhenggai serve`` under ``/zhenggai/web/officejs/``; the function file's
and task pane's URLs carry this PC's token in their query, so the manifest
is written per PC (``zhenggai addin officejs``) and never committed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from xl_addin.buttons_spec import BUTTONS
from xl_addin.server.contract import WEB
from zhenggai import __version__

__all__ = ["ADDIN_ID", "MANIFEST_FILE", "manifest_xml", "write_manifest"]

#: The add-in's id (a fixed uuid4): one product, whatever PC the manifest is written on.
ADDIN_ID = "4f6b2c1e-8d2a-4b7e-9c3f-5a1d7e2b9c60"
MANIFEST_FILE = "zhenggai-manifest.xml"
FUNCTION = "zhenggaiRun"

_ICONS = (16, 32, 80)

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
           xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
           xsi:type="TaskPaneApp">
  <Id>{id}</Id>
  <Version>{version}</Version>
  <ProviderName>zhenggai</ProviderName>
  <DefaultLocale>zh-CN</DefaultLocale>
  <DisplayName DefaultValue="整改台账"/>
  <Description DefaultValue="整改台账的按钮：生成模板、一键汇总、逾期预警、通报和报告（需本机运行 zhenggai serve）"/>
  <IconUrl DefaultValue="{base}/icon-32.png"/>
  <HighResolutionIconUrl DefaultValue="{base}/icon-64.png"/>
  <SupportUrl DefaultValue="{base}/taskpane.html"/>
  <AppDomains>
    <AppDomain>{server}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="ExcelApi" MinVersion="1.12"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue="{base}/taskpane.html{query}"/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="zhenggai.Tab">
              <Group id="zhenggai.Group">
                <Label resid="Group.Label"/>
{group_icon}
{controls}
              </Group>
              <Label resid="Tab.Label"/>
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
{images}
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Commands.Url" DefaultValue="{base}/commands.html{query}"/>
        <bt:Url id="Taskpane.Url" DefaultValue="{base}/taskpane.html{query}"/>
      </bt:Urls>
      <bt:ShortStrings>
{short}
      </bt:ShortStrings>
      <bt:LongStrings>
{long}
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""

_CONTROL = """                <Control xsi:type="Button" id="{id}">
                  <Label resid="{label}"/>
                  <Supertip>
                    <Title resid="{label}"/>
                    <Description resid="{tip}"/>
                  </Supertip>
{icon}
                  <Action xsi:type="{action}">
{action_body}
                  </Action>
                </Control>"""


def _icon(indent: int) -> str:
    pad = " " * indent
    images = "\n".join(f'{pad}  <bt:Image size="{s}" resid="Icon.{s}"/>' for s in _ICONS)
    return f"{pad}<Icon>\n{images}\n{pad}</Icon>"


def _string(sid: str, value: str) -> str:
    return f'        <bt:String id="{sid}" DefaultValue={quoteattr(value)}/>'


def manifest_xml(server: str, token: str) -> str:
    """The manifest for a server at *server* (``https://localhost:PORT``) and *token*."""
    base = f"{server}{WEB}/officejs"
    body = f"                    <FunctionName>{FUNCTION}</FunctionName>"
    controls = [
        _CONTROL.format(
            id=f"zhenggai.{b.tag}",
            label=f"{b.tag}.Label",
            tip=f"{b.tag}.Tip",
            icon=_icon(18),
            action="ExecuteFunction",
            action_body=body,
        )
        for b in BUTTONS
    ]
    pane = (
        "                    <TaskpaneId>zhenggai.Taskpane</TaskpaneId>\n"
        '                    <SourceLocation resid="Taskpane.Url"/>'
    )
    controls.append(
        _CONTROL.format(
            id="zhenggai.taskpane",
            label="Taskpane.Label",
            tip="Taskpane.Tip",
            icon=_icon(18),
            action="ShowTaskpane",
            action_body=pane,
        )
    )
    short = [
        ("Tab.Label", "整改台账"),
        ("Group.Label", "整改台账"),
        ("Taskpane.Label", "进度和结果"),
    ]
    short += [(f"{b.tag}.Label", b.label) for b in BUTTONS]
    long = [("Taskpane.Tip", "打开任务窗格：是否连上整改台账服务，各按钮的进度和结果")]
    long += [(f"{b.tag}.Tip", b.screentip) for b in BUTTONS]
    return _HEAD.format(
        id=ADDIN_ID,
        version=".".join([*__version__.split(".")[:3], "0"]),
        base=escape(base),
        server=escape(server),
        query=escape(f"?token={quote(token)}"),
        group_icon=_icon(16),
        controls="\n".join(controls),
        images="\n".join(
            f'        <bt:Image id="Icon.{s}" DefaultValue="{escape(base)}/icon-{s}.png"/>'
            for s in _ICONS
        ),
        short="\n".join(_string(k, v) for k, v in short),
        long="\n".join(_string(k, v) for k, v in long),
    )


def write_manifest(folder: Path, *, server: str, token: str) -> Path:
    """Write ``zhenggai-manifest.xml`` into *folder* (the shared-folder catalog)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST_FILE
    path.write_text(manifest_xml(server, token), encoding="utf-8")
    return path
