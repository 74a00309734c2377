"""Read and write the IDX format, the file format MNIST is distributed in.

An IDX file is a small big-endian header followed by the raw array:

    bytes 0-1   0x00 0x00
    byte  2     dtype code (0x08 = uint8, the only one MNIST uses)
    byte  3     number of dimensions, d
    then d      big-endian uint32 sizes, one per dimension
    then        the values, row-major (C order)

So the 4-byte "magic number" of MNIST's image files is 0x00000803 = 2051 (uint8, 3 dims:
[count, rows, cols]) and that of its label files is 0x00000801 = 2049 (uint8, 1 dim: [count]).
Files are often gzip-compressed (`train-images-idx3-ubyte.gz`); `read_idx` handles both.

Every problem with a file (missing, not gzip, truncated, wrong magic, ...) raises
`UserError` with one line that names the file, because the files come from the learner.
"""

import gzip
import math
import struct
import zlib
from pathlib import Path

import numpy as np

from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _, ngettext, number

IMAGES_MAGIC = 0x00000803  # 2051: uint8, 3 dimensions [count, rows, cols]
LABELS_MAGIC = 0x00000801  # 2049: uint8, 1 dimension [count]

# IDX dtype codes -> big-endian numpy dtypes.
_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_GZIP_MAGIC = b"\x1f\x8b"


def read_idx(path, expected_magic=None) -> np.ndarray:
    """Read an IDX file (raw or gzip-compressed) into a numpy array.

    Args:
      path: the file. A name ending in `.gz` must be gzip data; a file without `.gz` is
        decompressed too if it turns out to be gzip.
      expected_magic: if given (e.g. `IMAGES_MAGIC`), the file's magic number must equal it,
        so that swapping an images file and a labels file gives a clear message.

    Returns:
      The array with the shape from the header, native byte order, writable; for MNIST
      images uint8 [count, rows, cols], for labels uint8 [count].

    Raises:
      UserError: the file is unreadable, not gzip though named .gz, truncated or corrupt
        gzip, has a wrong magic number or an unsupported dtype code, or holds more or fewer
        bytes than its header promises.
    """
    path = Path(path)
    data = _read_bytes(path)

    if len(data) < 4:
        raise UserError(_("{path}: too short for an IDX file ({size} bytes; the header alone is at least 8)").format(
            path=path, size=len(data)))
    magic = int.from_bytes(data[:4], "big")
    zeros, dtype_code, ndim = data[:2], data[2], data[3]

    if zeros != b"\x00\x00":
        if expected_magic is not None:
            wanted = f"0x{expected_magic:08x} ({_describe_magic(expected_magic)})"
        else:
            wanted = _("0x000008NN (MNIST images 0x{images:08x}, labels 0x{labels:08x})").format(
                images=IMAGES_MAGIC, labels=LABELS_MAGIC)
        # A web page saved under an IDX name is a common way to end up here.
        looks_like_text = all(32 <= byte < 127 or byte in b"\t\r\n" for byte in data[:16])
        hint = _(": the file starts with text, perhaps a web page saved under this name") if looks_like_text else ""
        raise UserError(_("{path}: not an IDX file: expected magic number {wanted}, found 0x{magic:08x}").format(
            path=path, wanted=wanted, magic=magic) + hint)
    if expected_magic is not None and magic != expected_magic:
        raise UserError(_(
            "{path}: wrong magic number: expected 0x{expected:08x} ({expected}, {expected_means}), "
            "found 0x{magic:08x} ({magic}, {magic_means})"
        ).format(path=path, expected=expected_magic, expected_means=_describe_magic(expected_magic),
                 magic=magic, magic_means=_describe_magic(magic)))
    if dtype_code not in _DTYPES:
        known = ", ".join(f"0x{code:02x}" for code in _DTYPES)
        raise UserError(_(
            "{path}: unsupported IDX dtype code 0x{code:02x} in magic 0x{magic:08x} (known codes: {known})"
        ).format(path=path, code=dtype_code, magic=magic, known=known))
    if ndim == 0:
        raise UserError(_("{path}: IDX header says the array has 0 dimensions (magic 0x{magic:08x})").format(
            path=path, magic=magic))

    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise UserError(_(
            "{path}: truncated header: {ndim} dimensions need {needed} header bytes, the file has {size}"
        ).format(path=path, ndim=ndim, needed=header_size, size=len(data)))
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    dtype = _DTYPES[dtype_code]
    expected = math.prod(shape) * dtype.itemsize
    actual = len(data) - header_size
    if actual != expected:
        dims = " x ".join(str(size) for size in shape)
        problem = _("truncated") if actual < expected else _("{extra} extra bytes").format(
            extra=number(actual - expected, ","))
        raise UserError(_(
            "{path}: {problem}: the header says {dims} {dtype} values ({expected} bytes of data), "
            "the file holds {actual}"
        ).format(path=path, problem=problem, dims=dims, dtype=dtype.name, expected=number(expected, ","),
                 actual=number(actual, ",")))

    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    # astype copies: the result owns writable memory in native byte order.
    return array.astype(dtype.newbyteorder("="))


def write_idx(path, array) -> None:
    """Write a uint8 array of 1 dim ([count], labels) or 3 dims ([count, rows, cols], images).

    The file is gzip-compressed if its name ends in `.gz`. This is how to make your own dataset
    in MNIST's format: `write_idx("train-images-idx3-ubyte.gz", images)` with images uint8
    [n, rows, cols] (pixels 0..255), and `write_idx("train-labels-idx1-ubyte.gz", labels)`.

    Raises:
      UserError: the array is not uint8 of 1 or 3 dims, or the file cannot be written.
    """
    path = Path(path)
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise UserError(_(
            "cannot write {path}: IDX files here hold uint8 values, got {dtype} "
            "(scale to 0..255 and use .astype(np.uint8))"
        ).format(path=path, dtype=array.dtype))
    if array.ndim not in (1, 3):
        raise UserError(_(
            "cannot write {path}: expected 1 dim (labels [count]) or 3 dims (images [count, rows, cols]), "
            "got shape {shape}"
        ).format(path=path, shape=array.shape))

    header = struct.pack(f">I{array.ndim}I", 0x0800 | array.ndim, *array.shape)
    data = header + np.ascontiguousarray(array).tobytes()
    if path.name.endswith(".gz"):
        # mtime=0: the same array always gives the same bytes.
        data = gzip.compress(data, mtime=0)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise UserError(_("cannot write {path}: {error}").format(path=path, error=error.strerror or error)) from None


def _read_bytes(path: Path) -> bytes:
    """The file's contents, decompressed if it is gzip."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserError(_("cannot read {path}: {error}").format(path=path, error=error.strerror or error)) from None

    is_gzip = raw[:2] == _GZIP_MAGIC
    if path.name.endswith(".gz") and not is_gzip:
        raise UserError(_(
            "{path}: not gzip-compressed although the name ends in .gz "
            "(starts with 0x{start}); if it is a raw IDX file, remove the .gz"
        ).format(path=path, start=raw[:4].hex() or _("nothing")))
    if not is_gzip:
        return raw
    try:
        return gzip.decompress(raw)
    except EOFError:
        message = _("{path}: truncated gzip file (it ends before the compressed data does); download it again")
        raise UserError(message.format(path=path)) from None
    except (gzip.BadGzipFile, zlib.error) as error:
        raise UserError(_("{path}: corrupt gzip file ({error}); download it again").format(
            path=path, error=error)) from None


def _describe_magic(magic: int) -> str:
    """A few words on what a magic number means, e.g. 'uint8, 3 dims'."""
    dtype = _DTYPES.get((magic >> 8) & 0xFF)
    kind = dtype.name if dtype is not None else _("unknown dtype 0x{code:02x}").format(code=(magic >> 8) & 0xFF)
    ndim = magic & 0xFF
    return ngettext("{kind}, {ndim} dim", "{kind}, {ndim} dims", ndim).format(kind=kind, ndim=ndim)
