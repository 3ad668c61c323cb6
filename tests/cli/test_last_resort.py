"""The CLI's own error handlers print any text they are given (console markup included).

Class 6 (markup and escapes in file names) is handled for the whole CLI by
another issue; these only check that the handlers in ``zhenggai.cli`` never
crash on such text themselves, and that a filesystem error is one Chinese
sentence, not "程序内部错误 OSError" or the system's English.
"""

from __future__ import annotations

from zhenggai.cli import main


def test_an_error_naming_a_file_with_markup_is_printed_as_is(tmp_path, capsys):
    path = tmp_path / "[bold red]台账[x].xlsx"  # no such file: the message names it
    assert main(["undo", str(path)]) == 2
    err = capsys.readouterr().err
    assert "[bold red]台账[x].xlsx" in err and "Traceback" not in err


def test_an_unforeseen_filesystem_error_is_one_chinese_sentence(tmp_path, capsys):
    (tmp_path / "不是文件夹.txt").write_text("x")
    assert main(["init", str(tmp_path / "不是文件夹.txt" / "[bold]台账.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "同名的文件或文件夹已经存在" in err and "File exists" not in err
    assert "不是文件夹.txt" in err and "程序内部错误" not in err
