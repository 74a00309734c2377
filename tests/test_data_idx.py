"""tfgraph.data.idx: the IDX file format, written and read back, and every bad file named."""

import gzip
import struct

import numpy as np
import pytest
from conftest import error_of, make_labels

from tfgraph.data.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx, write_idx


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("shape", [(7,), (5, 3, 4)])
def test_idx_round_trip(tmp_path, suffix, shape):
    array = np.random.default_rng(0).integers(0, 256, size=shape, dtype=np.uint8)
    path = tmp_path / ("data" + suffix)
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.uint8 and back.shape == shape
    np.testing.assert_array_equal(back, array)
    back[0] = 0  # the result is an ordinary writable array
    assert path.read_bytes()[:2] == (b"\x1f\x8b" if suffix else b"\x00\x00")


def test_idx_header_bytes(tmp_path):
    write_idx(tmp_path / "labels", np.array([7, 2, 1], dtype=np.uint8))
    assert (tmp_path / "labels").read_bytes() == b"\x00\x00\x08\x01" + b"\x00\x00\x00\x03" + b"\x07\x02\x01"
    write_idx(tmp_path / "images", np.zeros((2, 3, 4), dtype=np.uint8))
    assert (tmp_path / "images").read_bytes()[:16] == struct.pack(">4I", 2051, 2, 3, 4)


def test_idx_expected_magic_and_gzip_without_gz_name(tmp_path):
    path = tmp_path / "images-without-suffix"
    path.write_bytes(gzip.compress(struct.pack(">4I", IMAGES_MAGIC, 1, 2, 2) + bytes(4)))
    assert read_idx(path, expected_magic=IMAGES_MAGIC).shape == (1, 2, 2)


def test_idx_reads_other_dtypes(tmp_path):
    path = tmp_path / "floats"
    path.write_bytes(struct.pack(">I I", 0x00000D01, 2) + struct.pack(">2f", 1.5, -2.0))
    np.testing.assert_array_equal(read_idx(path), np.array([1.5, -2.0], dtype=np.float32))


def _gz_labels(n=1000):
    return gzip.compress(struct.pack(">II", LABELS_MAGIC, n) + bytes(make_labels(n)))


CORRUPT_FILES = {
    # name: (file name, bytes or None for "do not create", words the message must contain)
    "missing": ("absent-idx1-ubyte", None, "cannot read"),
    "gz that is not gzip": ("labels.gz", struct.pack(">II", LABELS_MAGIC, 1) + b"\x01", "not gzip"),
    "truncated gzip": ("labels.gz", _gz_labels()[:-30], "truncated gzip"),
    "corrupt gzip": ("labels.gz", _gz_labels()[:-8] + b"\xde\xad\xbe\xef" + _gz_labels()[-4:], "corrupt gzip"),
    "not IDX": ("labels", b"<!DOCTYPE html><html>not found</html>",
                "not an IDX file: expected magic number 0x000008NN"),
    "web page": ("labels", b"<!DOCTYPE html>\n<html>not found</html>", "starts with text"),
    "too short": ("labels", b"\x00\x00", "too short"),
    "unsupported dtype": ("labels", struct.pack(">II", 0x00000A01, 1) + b"\x01", "unsupported IDX dtype code 0x0a"),
    "truncated header": ("labels", struct.pack(">I", 0x00000803) + b"\x00\x00\x00\x01", "truncated header"),
    "truncated data": ("labels", struct.pack(">II", LABELS_MAGIC, 5) + b"\x01\x02", "truncated"),
    "extra bytes": ("labels", struct.pack(">II", LABELS_MAGIC, 2) + b"\x01\x02\x03", "1 extra bytes"),
}


@pytest.mark.parametrize("case", CORRUPT_FILES, ids=list(CORRUPT_FILES))
def test_idx_errors_name_file_and_problem(tmp_path, case):
    name, content, words = CORRUPT_FILES[case]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    message = error_of(read_idx, path)
    assert str(path) in message and words in message


def test_idx_error_for_a_folder(tmp_path):
    assert "cannot read" in error_of(read_idx, tmp_path)


def test_idx_wrong_magic_says_expected_and_found(tmp_path):
    path = tmp_path / "train-labels-idx1-ubyte"
    write_idx(path, make_labels(4))
    message = error_of(read_idx, path, expected_magic=IMAGES_MAGIC)
    assert str(path) in message and "expected 0x00000803" in message and "found 0x00000801" in message


def test_idx_write_rejects_wrong_dtype_and_dims(tmp_path):
    assert "uint8" in error_of(write_idx, tmp_path / "x", np.zeros((2, 3, 3), dtype=np.float32))
    assert "shape (2, 3)" in error_of(write_idx, tmp_path / "x", np.zeros((2, 3), dtype=np.uint8))


def test_an_idx_error_in_portuguese_is_one_line_with_portuguese_numbers(tmp_path):
    from tfgraph.support import i18n
    path = tmp_path / "labels"
    path.write_bytes(struct.pack(">II", LABELS_MAGIC, 2) + bytes(1502))
    i18n.use("pt")
    assert error_of(read_idx, path) == (f"{path}: 1.500 bytes a mais: o cabeçalho diz 2 valores uint8 "
                                        "(2 bytes de dados), o arquivo contém 1.502")
    assert error_of(read_idx, path, expected_magic=IMAGES_MAGIC) == (
        f"{path}: número mágico errado: esperava 0x00000803 (2051, uint8, 3 dimensões), encontrou "
        "0x00000801 (2049, uint8, 1 dimensão)")
