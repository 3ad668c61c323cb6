"""[MS-OVBA] 2.4.1 compression: spec example, Office's own streams, any bytes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream  # type: ignore[import-untyped]

from xl_addin.build.ovba import chunk_flags, compress, decompress
from xl_addin.build.vbaproject import VbaProject
from xl_addin.errors import VbaFormatError

# The compression example in [MS-OVBA]: its input and the compressed output it gives.
SPEC_INPUT = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
SPEC_OUTPUT = bytes.fromhex(
    "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C"
    " 00 30 6D 6E 6F 70 06 71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"
)


def test_spec_example_decompresses() -> None:
    assert decompress(SPEC_OUTPUT) == SPEC_INPUT


def test_spec_example_compresses_to_the_same_bytes() -> None:
    assert compress(SPEC_INPUT) == SPEC_OUTPUT


def test_decompress_reads_every_stream_of_the_template(template_vba: bytes) -> None:
    project = VbaProject.from_bytes(template_vba)
    assert project.module_names == [
        "ThisWorkbook",
        "Dictionary",
        "RibbonMyAddin",
        "Sheet2",
        "xlwings",
    ]
    for name in project.module_names:
        container = project.source_container(name)
        ours = decompress(container)
        assert ours == decompress_stream(bytearray(container)), name
        assert ours.startswith(f'Attribute VB_Name = "{name}"'.encode())


@pytest.mark.parametrize("module", ["RibbonMyAddin", "Sheet2", "ThisWorkbook"])
def test_recompressing_what_excel_wrote_gives_the_same_bytes(
    template_vba: bytes, module: str
) -> None:
    container = VbaProject.from_bytes(template_vba).source_container(module)
    assert compress(decompress(container)) == container


def test_long_vba_source_round_trips_in_compressed_chunks_only(template_vba: bytes) -> None:
    source = VbaProject.from_bytes(template_vba).module_source("xlwings").encode("cp1252")
    assert len(source) > 40_000
    container = compress(source)
    assert decompress(container) == source
    assert decompress_stream(bytearray(container)) == source
    assert chunk_flags(container) == [True] * 11


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4095, 4096, 4097, 8191, 8192, 8193, 12_300])
@pytest.mark.parametrize("kind", ["random", "zeros", "period3", "text"])
def test_round_trip_at_chunk_boundaries(size: int, kind: str) -> None:
    rng = random.Random(size)
    data = {
        "random": rng.randbytes(size),
        "zeros": bytes(size),
        "period3": (b"abc" * size)[:size],
        "text": (b"    Dim i As Integer\r\n    i = i + 1\r\n" * size)[:size],
    }[kind]
    container = compress(data)
    assert decompress(container) == data
    assert decompress_stream(bytearray(container)) == data


def test_incompressible_data_uses_raw_full_chunks_and_splits_the_tail() -> None:
    data = random.Random(7).randbytes(4096 + 3700)
    container = compress(data)
    # A full chunk that does not shrink is raw; the 3700-byte tail is two compressed chunks.
    assert chunk_flags(container) == [False, True, True]
    assert decompress(container) == data


def test_short_incompressible_tail_is_one_compressed_chunk() -> None:
    data = random.Random(8).randbytes(3000)
    assert chunk_flags(compress(data)) == [True]


@given(st.binary(max_size=20_000))
@settings(max_examples=150, deadline=None)
def test_any_bytes_round_trip(data: bytes) -> None:
    container = compress(data)
    assert decompress(container) == data
    assert decompress_stream(bytearray(container)) == data


def _mixed(seed: int, size: int, repeat: float) -> bytes:
    """``size`` bytes of random runs and copies of earlier runs (LZ-like structure)."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        n = rng.randint(1, 300)
        if out and rng.random() < repeat:
            start = rng.randrange(len(out))
            out += out[start : start + n]
        else:
            out += rng.randbytes(n)
    return bytes(out[:size])


# Hypothesis caps one example's raw data near 8 KB, so large inputs grow from a seed.
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=4_097, max_value=40_000),
    st.floats(min_value=0.0, max_value=1.0),
)
@settings(max_examples=60, deadline=None)
def test_large_inputs_round_trip(seed: int, size: int, repeat: float) -> None:
    data = _mixed(seed, size, repeat)
    container = compress(data)
    assert decompress(container) == data
    assert decompress_stream(bytearray(container)) == data


@given(st.binary(min_size=1, max_size=7), st.integers(min_value=1, max_value=3_000))
@settings(max_examples=100, deadline=None)
def test_repetitive_bytes_round_trip(unit: bytes, times: int) -> None:
    data = unit * times
    container = compress(data)
    assert decompress(container) == data
    assert len(container) < len(data) // 2 + 64


@given(
    st.lists(
        st.sampled_from([b"    ", b"Dim ", b"End Sub\r\n", b"x", b"\r\n", b"'", b"\x00", b"\xff"]),
        max_size=6_000,
    )
)
@settings(max_examples=60, deadline=None)
def test_mixed_text_round_trips(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert decompress(compress(data)) == data


def test_bad_signature_byte_is_rejected() -> None:
    with pytest.raises(VbaFormatError, match="签名字节"):
        decompress(b"\x02" + SPEC_OUTPUT[1:])


def test_bad_chunk_signature_is_rejected() -> None:
    with pytest.raises(VbaFormatError, match="块头签名"):
        decompress(b"\x01\x2f\x20\x00abc")


def test_copy_token_before_the_chunk_is_rejected() -> None:
    # Flag byte 0x01: the first token is a copy, but nothing precedes it.
    with pytest.raises(VbaFormatError, match="复制标记"):
        decompress(b"\x01\x02\xb0\x01\x00\x00")


def test_empty_input() -> None:
    assert compress(b"") == b"\x01"
    assert decompress(b"\x01") == b""
    with pytest.raises(VbaFormatError):
        decompress(b"")
