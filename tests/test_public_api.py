from __future__ import annotations

import types

import zhenggai


def test_all_lists_exactly_the_public_names():
    public = {
        name
        for name, value in vars(zhenggai).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    public.discard("annotations")
    assert set(zhenggai.__all__) - {"__version__"} == public
    assert sorted(zhenggai.__all__) == list(zhenggai.__all__)
    for name in zhenggai.__all__:
        assert getattr(zhenggai, name) is not None


def test_package_is_typed():
    from importlib.resources import files

    assert files("zhenggai").joinpath("py.typed").is_file()
