"""One clock: ZHENGGAI_TODAY and --today fix the day of a whole run."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from zhenggai.core import clock
from zhenggai.core.errors import UsageError


def test_the_environment_fixes_the_day_and_keeps_the_time_of_day(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2026-11-28")
    assert clock.today() == date(2026, 11, 28)
    assert clock.now().date() == date(2026, 11, 28)
    monkeypatch.setenv(clock.ENV, "2026-11-28T10:30")
    assert clock.now() == datetime(2026, 11, 28, 10, 30)


def test_a_bad_day_is_a_chinese_usage_error(monkeypatch):
    monkeypatch.setenv(clock.ENV, "下周一")
    with pytest.raises(UsageError, match="不是日期"):
        clock.today()


def test_fixed_overrides_the_environment_and_lets_go(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2026-11-28")
    with clock.fixed(date(2027, 1, 4)):
        assert clock.today() == date(2027, 1, 4)
    assert clock.today() == date(2026, 11, 28)
    monkeypatch.delenv(clock.ENV)
    assert clock.today() == date.today()


def test_the_cli_today_holds_for_one_run_only(demo_master, capsys):
    from zhenggai.cli import main

    assert main(["overdue", str(demo_master), "--today", "2026-11-28", "--json"]) in (0, 1)
    assert '"today": "2026-11-28"' in capsys.readouterr().out
    assert clock.today() == date.today()
