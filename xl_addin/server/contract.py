"""The HTTP contract between the web add-ins and ``zhenggai serve``, in one place.

Every route lives under ``/zhenggai``:

``POST /zhenggai/run/{tag}``
    *tag* is one of :data:`xl_addin.buttons.HANDLERS`. Header
    ``Authorization: <token>`` (what xlwings' clients send for their ``auth``
    option; ``Bearer <token>`` is accepted too). Body: the workbook as
    xlwings' clients post it (``client``, ``version``, ``book``, ``names``,
    ``sheets``), plus an optional ``book.fullname``: the workbook's full local
    path when the client knows it. Answers:

    - 200 ``{"actions": [...]}``: what ``book.json()`` gave, for the client to
      apply. A handler's :class:`~zhenggai.ZhenggaiError` and any unexpected
      error end as one ``alert`` action with a Chinese message; then no other
      action is sent, so the workbook is never left half-written;
    - 401 without the token or with a wrong one;
    - 404 for a tag no handler answers;
    - 400 for a body that is not such a workbook;
    - 409 while a run for the same master (its resolved file) is going on;
    - 413 when the body is larger than the limit (default 64 MB).

    Every 4xx body is ``{"detail": "<Chinese message>"}``.

``GET /zhenggai/ping`` (token required)
    ``{"app": "zhenggai", "version", "xlwings", "handlers": [...], "roots": [...]}``.

``GET /zhenggai/status`` (token required)
    ``{"runs": [...]}``: the running and the last finished run per master,
    with the status-bar text the handler last showed and its closing message.

``GET /zhenggai/web/...``
    The add-ins' own files (task pane, command page, shared JS core); no
    token, and nothing secret in them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CLIENTS",
    "DEFAULT_MAX_MB",
    "DEFAULT_PORT",
    "FULLNAME",
    "PING",
    "PREFIX",
    "RUN",
    "STATUS",
    "TOKEN_HEADER",
    "WEB",
    "WEB_DIR",
    "Msg",
    "run_path",
]

PREFIX = "/zhenggai"
RUN = f"{PREFIX}/run/{{tag}}"
PING = f"{PREFIX}/ping"
STATUS = f"{PREFIX}/status"
WEB = f"{PREFIX}/web"
#: The add-ins' own files (xl_addin/web), served under :data:`WEB`.
WEB_DIR = Path(__file__).resolve().parent.parent / "web"

#: The header carrying the per-install token (xlwings' ``auth`` option sets it).
TOKEN_HEADER = "Authorization"
#: Key in the payload's ``book`` object: the workbook's full local path, when known.
FULLNAME = "fullname"
#: The ``client`` values our own add-ins send. xlwings' engine checks ``version``
#: only for clients other than "Office.js"; the server fills it in for "WPS".
CLIENTS = ("Office.js", "WPS")

DEFAULT_PORT = 18470
DEFAULT_MAX_MB = 64


def run_path(tag: str) -> str:
    """``/zhenggai/run/<tag>``."""
    return RUN.format(tag=tag)


class Msg:
    """What the user reads when a request cannot run (shown by the add-in)."""

    NO_TOKEN = (
        "整改台账服务拒绝了请求：加载项没有带上正确的口令。"
        "请在本机运行 zhenggai addin officejs（或 zhenggai addin wps）重新生成加载项文件，再重新打开表格程序。"
    )
    TOO_LARGE = (
        "工作簿太大（超过 {limit} MB），整改台账服务没有处理。"
        "可以用 zhenggai serve --max-mb 调高上限，或改用命令行 zhenggai。"
    )
    BAD_BODY = "整改台账服务收到的内容不是加载项发送的工作簿数据：{why}。请重新安装加载项。"
    UNKNOWN_TAG = (
        "没有“{tag}”这个按钮的处理程序：加载项与本机安装的 zhenggai 版本不一致。"
        "请重新生成加载项文件（zhenggai addin officejs 或 zhenggai addin wps）。"
    )
    BUSY = "“{name}”正在运行“{label}”，请等它完成后再点按钮。"
    INTERNAL = (
        "整改台账服务出现内部错误，本次没有修改工作簿。"
        "详细信息已记在运行 zhenggai serve 的窗口里，请发给维护人员。"
    )
