"""Compound file writer: read back with olefile and with compoundfiles (a second reader)."""

from __future__ import annotations

import io
import random
import struct
import warnings

import compoundfiles  # type: ignore[import-untyped]
import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_addin.build.cfb import Storage, read_storage, sort_key, write_storage
from xl_addin.errors import VbaFormatError

_BLACK = 1  # [MS-CFB] 2.6.1 Color Flag


def _read_with_compoundfiles(data: bytes) -> Storage:
    """Read ``data`` with compoundfiles, turning each of its format warnings into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", compoundfiles.CompoundFileWarning)
        warnings.simplefilter("ignore", compoundfiles.CompoundFileEmulationWarning)
        reader = compoundfiles.CompoundFileReader(io.BytesIO(data))

        def walk(entry: compoundfiles.CompoundFileEntity) -> Storage:
            node = Storage()
            for child in entry:
                if child.isdir:
                    node.children[child.name] = walk(child)
                elif child.size == 0:
                    # compoundfiles insists on a mini FAT even for an empty stream,
                    # which owns no sector (start ENDOFCHAIN) and needs none.
                    node.children[child.name] = b""
                else:
                    with reader.open(child) as stream:
                        node.children[child.name] = stream.read()
            return node

        try:
            return walk(reader.root)
        finally:
            reader.close()


def _strict_olefile(data: bytes) -> olefile.OleFileIO[str]:
    """Open with olefile raising on every defect it can report, not just fatal ones."""
    ole: olefile.OleFileIO[str] = olefile.OleFileIO(
        io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT
    )
    assert ole.parsing_issues == []  # type: ignore[attr-defined]  # not in types-olefile
    return ole


def _without_clsids(node: Storage) -> Storage:
    return Storage(
        {k: _without_clsids(v) if isinstance(v, Storage) else v for k, v in node.children.items()}
    )


def _check_sibling_trees(data: bytes) -> None:
    """Every sibling tree: all black, in-order traversal sorted by the CFB rule."""
    ole = _strict_olefile(data)
    entries = ole.direntries  # type: ignore[attr-defined]  # not in types-olefile

    def in_order(sid: int) -> list[str]:  # names of one sibling tree, left to right
        if sid == olefile.NOSTREAM:
            return []
        entry = entries[sid]
        assert entry is not None
        assert entry.color == _BLACK
        return [*in_order(entry.sid_left), entry.name, *in_order(entry.sid_right)]

    for entry in entries:
        if entry is not None and entry.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE):
            names = in_order(entry.sid_child)
            assert names == sorted(names, key=sort_key)
    ole.close()


def test_template_round_trips_through_both_readers(template_vba: bytes) -> None:
    tree = read_storage(template_vba)
    data = write_storage(tree)
    assert read_storage(data) == tree
    assert _read_with_compoundfiles(data) == _without_clsids(tree)
    _check_sibling_trees(data)
    # Same content, same layout rules: the file is no larger than Office's.
    assert len(data) <= len(template_vba)


def test_stream_sizes_around_the_mini_stream_cutoff() -> None:
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 512 * 9 + 1]
    tree = Storage({f"s{n}": bytes([n % 251]) * n for n in sizes})
    data = write_storage(tree)
    assert read_storage(data) == tree
    assert _read_with_compoundfiles(data) == tree
    ole = _strict_olefile(data)
    for n in sizes:
        assert ole.get_size(f"s{n}") == n
    ole.close()


def test_large_file_needs_difat_sectors() -> None:
    # 8 MB needs 16,385 sectors: 129 FAT sectors, more than the header's 109 slots.
    payload = random.Random(1).randbytes(8_000_000)
    tree = Storage({"big": payload, "small": b"x", "S": Storage({"t": b"y" * 5000})})
    data = write_storage(tree)
    n_fat, _, _, _, _, _, _, n_difat = struct.unpack_from("<8I", data, 0x2C)
    assert n_fat > 109
    assert n_difat == 1
    assert read_storage(data) == tree
    assert _read_with_compoundfiles(data) == tree


def test_storage_clsid_is_kept() -> None:
    clsid = bytes(range(16))
    tree = Storage({"S": Storage({"a": b"1"}, clsid=clsid)}, clsid=bytes(range(16, 32)))
    back = read_storage(write_storage(tree))
    assert back == tree


def test_sort_key_orders_shorter_names_first_then_upper_case() -> None:
    names = ["dir", "PROJECT", "VBA", "_VBA_PROJECT", "Sheet2", "abc", "ABD", "xlwings"]
    ordered = sorted(names, key=sort_key)
    assert ordered == ["abc", "ABD", "dir", "VBA", "Sheet2", "PROJECT", "xlwings", "_VBA_PROJECT"]


def test_names_that_differ_only_in_case_are_refused() -> None:
    with pytest.raises(ValueError, match="case"):
        write_storage(Storage({"Module1": b"a", "MODULE1": b"b"}))


@pytest.mark.parametrize("name", ["", "a" * 32, "a/b", "x:y", "bang!"])
def test_invalid_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invalid compound file entry name"):
        write_storage(Storage({name: b"data"}))


def test_non_cfb_data_is_refused() -> None:
    with pytest.raises(VbaFormatError, match="复合文档"):
        read_storage(b"PK\x03\x04" + bytes(2000))


_NAMES = st.text(alphabet="abcXYZ_0129", min_size=1, max_size=31)
_SIZES = st.sampled_from([0, 1, 64, 100, 4095, 4096, 4097, 9000])


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> Storage:
    node = Storage()
    seen: set[bytes] = set()
    for name in draw(st.lists(_NAMES, max_size=6)):
        key = sort_key(name)[1]
        if key in seen:
            continue
        seen.add(key)
        if depth < 2 and draw(st.booleans()):
            node.children[name] = draw(_trees(depth + 1))
        else:
            size = draw(_SIZES)
            node.children[name] = random.Random(size).randbytes(size)
    return node


@given(_trees())
@settings(max_examples=60, deadline=None)
def test_any_tree_round_trips_through_both_readers(tree: Storage) -> None:
    data = write_storage(tree)
    assert read_storage(data) == tree
    assert _read_with_compoundfiles(data) == tree
    _check_sibling_trees(data)


def test_writing_is_deterministic(template_vba: bytes) -> None:
    tree = read_storage(template_vba)
    assert write_storage(tree) == write_storage(read_storage(template_vba))
