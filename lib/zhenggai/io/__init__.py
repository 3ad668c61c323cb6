"""The only home of python-calamine, openpyxl, zipfile and file locks.

Reading workbooks (:mod:`.calamine`, guarded by :mod:`.zipguard` and :mod:`.formats`),
writing the master safely (:mod:`.master`, :mod:`.lock`, :mod:`.xlsx_patch`) and
writing new workbooks (:mod:`.create`, :mod:`.books`).
"""
