"""``zhenggai serve``: the ribbon handlers over HTTP, for the Office.js and WPS add-ins.

xlwings Server's protocol: a web add-in posts the open workbook as JSON, the
server runs the button's handler on ``xlwings.Book(json=...)`` and answers
with the actions the add-in applies to the workbook (values, colours, sheets,
a closing message). No VBA, no macro settings, no process started by Excel.

Modules:

- :mod:`~xl_addin.server.contract`: the HTTP contract (paths, headers, limits, messages);
- :mod:`~xl_addin.server.settings`: the per-install token and settings file;
- :mod:`~xl_addin.server.locate`: which file on disk is the posted master;
- :mod:`~xl_addin.server.runs`: one run at a time per master, progress for the task pane;
- :mod:`~xl_addin.server.engine`: one handler on one payload -> actions;
- :mod:`~xl_addin.server.app`: the FastAPI app; :mod:`~xl_addin.server.certs`: ``--https``;
- :mod:`~xl_addin.server.manifest`, :mod:`~xl_addin.server.wps`: the add-in files for this PC.

xlwings' JSON engine lives in ``xlwings/pro`` and needs a licence key before
xlwings is first imported; ``noncommercial`` is accepted offline, and the
PolyForm Noncommercial licence allows use by government institutions.
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
