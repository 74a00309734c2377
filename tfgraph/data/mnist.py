"""The MNIST handwritten digits: find them, check them, split them, batch them.

`load_mnist()` looks for the data in this order and takes the first it finds:

1. the `data_dir` argument (the lessons' `--data-dir`), else the environment variable
   `TFGRAPH_DATA_DIR`: a folder with the four IDX files (`train-images-idx3-ubyte`,
   `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each
   optionally `.gz`) or a Keras-layout `mnist.npz`. A folder with only the two `t10k` files
   (the 10,000-image test set) also works: its first 80% become training data, the rest test
   data. Any dataset in MNIST's IDX format loads the same way (Fashion-MNIST, your own).
2. Keras's cache, `~/.keras/datasets/mnist.npz`, if it exists.
3. a download of that file (about 11 MB) into Keras's cache, checked against its SHA-256.

Images come back as float32 [n, rows*cols] in [0, 1] (uint8 pixels / 255), labels as int64
[n]. The validation split is taken from the end of the training data.
"""

import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tfgraph.data.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _, number

ENV_VAR = "TFGRAPH_DATA_DIR"
OFFLINE_ENV_VAR = "TFGRAPH_OFFLINE"   # set (to anything) to never download
KERAS_CACHE = Path("~/.keras/datasets/mnist.npz")  # expanded at call time
URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
DOWNLOAD_TIMEOUT = 30  # seconds without an answer before giving up

NUM_CLASSES = 10
NPZ_NAME = "mnist.npz"
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
# The four IDX files, by their names in the MNIST distribution.
IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
TEST_ONLY_TRAIN_FRACTION = 0.8  # test-set-only folders: 8,000 of 10,000 images train


@dataclass(frozen=True)
class Split:
    """One part of the data (train, validation or test).

    images: float32 [n, rows*cols], pixel values in [0, 1]
    labels: int64 [n], digits 0..9
    """

    images: np.ndarray
    labels: np.ndarray

    def __post_init__(self):
        if len(self.images) != len(self.labels):
            raise ValueError(_("{images} images but {labels} labels").format(
                images=len(self.images), labels=len(self.labels)))

    def __len__(self) -> int:
        return len(self.labels)

    def one_hot(self) -> np.ndarray:
        """The labels as one-hot rows: float32 [n, 10]."""
        return one_hot(self.labels)

    def take(self, n: int) -> "Split":
        """The first n examples (this split itself if it has n or fewer)."""
        if n < 0:
            raise ValueError(_("take(n) needs n >= 0, got {n}").format(n=n))
        if n >= len(self):
            return self
        return Split(self.images[:n], self.labels[:n])

    def only(self, digits) -> "Split":
        """The examples whose label is one of `digits` (labels keep their value), in order."""
        mask = np.isin(self.labels, list(digits))
        return Split(self.images[mask], self.labels[mask])


@dataclass(frozen=True)
class Mnist:
    """The three splits, the size of one image, and one line saying where the data came from."""

    train: Split
    validation: Split
    test: Split
    image_shape: tuple[int, int]  # (rows, cols): (28, 28) for MNIST
    source: str  # e.g. "IDX files in /x/y (train 55,000, validation 5,000, test 10,000)"


def one_hot(labels, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """labels: int [n] in 0..num_classes-1 -> float32 [n, num_classes], a single 1 per row."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(_("labels must be in 0..{last}, found {low}..{high}").format(
            last=num_classes - 1, low=labels.min(), high=labels.max()))
    encoded = np.zeros((len(labels), num_classes), dtype=np.float32)
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


# `batches` has a parameter named one_hot that hides the function inside it.
_one_hot = one_hot


def batches(split: Split, batch_size: int, rng: np.random.Generator, one_hot: bool = True):
    """One epoch of shuffled mini-batches: yields (images, labels) pairs.

    images: float32 [b, rows*cols]; labels: float32 [b, 10] one-hot, or int64 [b] if
    one_hot=False. b = batch_size, except the last batch, which holds what is left over.
    Every example appears exactly once per epoch; the same rng state gives the same order.
    """
    if batch_size < 1:
        raise UserError(_("batch size must be at least 1, got {size}").format(size=batch_size))
    # One permutation per epoch; each batch gathers its rows. Measured on full MNIST, this
    # is faster than shuffling the whole 188 MB array up front (which costs a fresh
    # allocation and its page faults every epoch: ~90 us per step against ~50 us here).
    order = rng.permutation(len(split))
    targets = _one_hot(split.labels) if one_hot else split.labels
    for start in range(0, len(split), batch_size):
        rows = order[start:start + batch_size]
        yield split.images[rows], targets[rows]


def load_mnist(data_dir=None, *, validation_size=None, train_size=None, download=True, cache_path=None) -> Mnist:
    """Find, check and split MNIST (or any dataset in its format); see the module docstring.

    Args:
      data_dir: a folder with the IDX files or mnist.npz; None (or "") means use
        $TFGRAPH_DATA_DIR, then the Keras cache, then download.
      validation_size: examples taken from the end of the training data for validation;
        None means min(5000, n_train // 10) (55,000 / 5,000 for full MNIST).
      train_size: keep only the first n training examples (after the validation split);
        None keeps them all. For quick runs.
      download: whether step 3 (the download) may happen.
      cache_path: where Keras's mnist.npz lives (default ~/.keras/datasets/mnist.npz).

    Returns:
      Mnist with train, validation and test Splits (images float32 [n, rows*cols] in [0, 1],
      labels int64 [n]), image_shape (rows, cols) and a one-line `source`.

    Raises:
      UserError: no data anywhere, a bad folder, or files that are corrupt or disagree.
    """
    if not data_dir:
        data_dir = os.environ.get(ENV_VAR, "").strip() or None
        where = _("{variable} folder").format(variable=ENV_VAR)
    else:
        where = _("data folder")
    if data_dir:
        arrays, describe = _load_folder(Path(data_dir).expanduser(), where)
        return _assemble(*arrays, describe, validation_size, train_size)

    shown_cache = str(cache_path) if cache_path is not None else str(KERAS_CACHE)
    cache = Path(cache_path if cache_path is not None else KERAS_CACHE).expanduser()
    if cache.is_file():
        arrays = _load_npz(cache, hint=_("delete it to download it again"))
        return _assemble(*arrays, lambda counts: _("Keras cache {path} ({counts})").format(path=cache, counts=counts),
                         validation_size, train_size)

    if not download or os.environ.get(OFFLINE_ENV_VAR):
        raise UserError(_no_data_message(shown_cache, _("downloading is turned off")))
    _download(cache, shown_cache)
    arrays = _load_npz(cache, hint=_("delete it to download it again"))
    return _assemble(
        *arrays, lambda counts: _("{path}, downloaded from {url} ({counts})").format(
            path=cache, url=URL, counts=counts), validation_size, train_size
    )


# --- finding the files -------------------------------------------------------------------


def _load_folder(folder: Path, where: str):
    """The four arrays from a data folder, and a function that writes the `source` line."""
    if not folder.exists():
        raise UserError(_("{where} {folder} does not exist").format(where=where, folder=folder))
    if not folder.is_dir():
        raise UserError(_("{where} {folder} is a file, not a folder: pass the folder that holds the MNIST "
                          "files").format(where=where, folder=folder))

    found = {key: _find_idx(folder, name) for key, name in IDX_NAMES.items()}
    has = {key for key, path in found.items() if path is not None}
    npz = folder / NPZ_NAME

    # Prefer the complete IDX set, then mnist.npz, then the test set alone.
    if has == set(IDX_NAMES):
        arrays = _load_idx_set(*(found[key] for key in IDX_NAMES))
        return arrays, lambda counts: _("IDX files in {folder} ({counts})").format(folder=folder, counts=counts)
    if npz.is_file():
        return _load_npz(npz), lambda counts: f"{npz} ({counts})"
    if has == {"test_images", "test_labels"}:
        return _load_test_only(folder, found["test_images"], found["test_labels"])

    expected = ", ".join(IDX_NAMES.values())
    if not has:
        present = sorted(entry.name for entry in folder.iterdir())
        listing = ", ".join(present[:6]) + (", ..." if len(present) > 6 else "") if present else _("nothing")
        raise UserError(_(
            "{where} {folder} holds no MNIST data: expected the four IDX files {expected} "
            "(each may end in .gz), or the two t10k files alone, or {npz}; it holds: {listing}"
        ).format(where=where, folder=folder, expected=expected, npz=NPZ_NAME, listing=listing))
    missing = ", ".join(IDX_NAMES[key] for key in IDX_NAMES if key not in has)
    present = ", ".join(found[key].name for key in IDX_NAMES if key in has)
    raise UserError(_(
        "{where} {folder} is missing {missing} (each may end in .gz): it has {present}, "
        "but needs all four IDX files, or the two t10k files alone, or {npz}"
    ).format(where=where, folder=folder, missing=missing, present=present, npz=NPZ_NAME))


def _find_idx(folder: Path, name: str):
    """The file for one IDX name: plain or .gz, and with '.idx' for '-idx' as some unzippers write it."""
    for base in (name, name.replace("-idx", ".idx")):
        for candidate in (base, base + ".gz"):
            if (folder / candidate).is_file():
                return folder / candidate
    return None


# --- reading and checking -------------------------------------------------------------


def _load_idx_set(train_images_path, train_labels_path, test_images_path, test_labels_path):
    """(train_images, train_labels, test_images, test_labels): uint8 [n, rows, cols] and labels [n]."""
    train_images, train_labels = _read_idx_pair(train_images_path, train_labels_path)
    test_images, test_labels = _read_idx_pair(test_images_path, test_labels_path)
    _check_same_image_size(train_images, test_images, str(train_images_path), str(test_images_path))
    return train_images, train_labels, test_images, test_labels


def _read_idx_pair(images_path, labels_path):
    images = read_idx(images_path, expected_magic=IMAGES_MAGIC)
    labels = read_idx(labels_path, expected_magic=LABELS_MAGIC)
    _check_pair(images, labels, str(images_path), str(labels_path))
    return images, labels


def _load_test_only(folder: Path, images_path: Path, labels_path: Path):
    """Split the test set alone: its first 80% train (and validate), the last 20% test."""
    images, labels = _read_idx_pair(images_path, labels_path)
    n_train = int(len(labels) * TEST_ONLY_TRAIN_FRACTION)

    def describe(counts):
        return _(
            "only the MNIST test set found in {folder}: training on its first {train} images, "
            "testing on the last {test} ({counts})"
        ).format(folder=folder, train=number(n_train, ","), test=number(len(labels) - n_train, ","),
                 counts=counts)

    return (images[:n_train], labels[:n_train], images[n_train:], labels[n_train:]), describe


def _load_npz(path: Path, hint: str = ""):
    """(x_train, y_train, x_test, y_test) from a Keras-layout mnist.npz."""
    advice = f"; {hint}" if hint else ""
    keys = ", ".join(NPZ_KEYS)
    try:
        with open(path, "rb") as file:
            is_zip = file.read(4) == b"PK\x03\x04"  # an .npz is a zip archive of .npy files
        if not is_zip:
            raise UserError(_("{path} is not an .npz archive (a zip of {keys})").format(path=path, keys=keys)
                            + advice)
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in NPZ_KEYS if key not in archive.files]
            if missing:
                raise UserError(_(
                    "{path} lacks {missing}: a Keras-layout mnist.npz holds {keys} (it has: {has})"
                ).format(path=path, missing=", ".join(missing), keys=keys,
                         has=", ".join(archive.files) or _("nothing")) + advice)
            arrays = [archive[key] for key in NPZ_KEYS]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise UserError(_("cannot read {path} as an .npz archive ({reason})").format(path=path, reason=reason)
                        + advice) from None

    x_train, y_train, x_test, y_test = arrays
    for key, array in zip(NPZ_KEYS, arrays):
        want = 3 if key.startswith("x") else 1
        if array.ndim != want:
            layout = "[n, rows, cols]" if want == 3 else "[n]"
            raise UserError(_("{path}: {key} has shape {shape}, expected {want} dims {layout}").format(
                path=path, key=key, shape=array.shape, want=want, layout=layout) + advice)
    for key, array in (("x_train", x_train), ("x_test", x_test)):
        if array.dtype != np.uint8:
            raise UserError(_("{path}: {key} has dtype {dtype}, expected uint8 pixels 0..255").format(
                path=path, key=key, dtype=array.dtype) + advice)
    _check_pair(x_train, y_train, f"{path} (x_train)", f"{path} (y_train)")
    _check_pair(x_test, y_test, f"{path} (x_test)", f"{path} (y_test)")
    _check_same_image_size(x_train, x_test, f"{path} (x_train)", f"{path} (x_test)")
    return x_train, y_train, x_test, y_test


def _check_pair(images, labels, images_name: str, labels_name: str) -> None:
    """Images and labels must agree in count, and the labels must be digits 0..9."""
    if len(images) != len(labels):
        raise UserError(_(
            "{images_name} has {images} images but {labels_name} has {labels} labels: "
            "they must come in matching pairs"
        ).format(images_name=images_name, images=number(len(images), ","), labels_name=labels_name,
                 labels=number(len(labels), ",")))
    if not np.issubdtype(labels.dtype, np.integer):
        raise UserError(_("{labels_name}: labels have dtype {dtype}, expected integers 0..9").format(
            labels_name=labels_name, dtype=labels.dtype))
    bad = np.flatnonzero((labels < 0) | (labels >= NUM_CLASSES))
    if bad.size:
        first = bad[0]
        raise UserError(_(
            "{labels_name}: label {label} at index {index} is outside 0..{last} ({count} such labels)"
        ).format(labels_name=labels_name, label=labels[first], index=number(first, ","),
                 last=NUM_CLASSES - 1, count=number(bad.size, ",")))


def _check_same_image_size(train_images, test_images, train_name: str, test_name: str) -> None:
    if train_images.shape[1:] != test_images.shape[1:]:
        (r1, c1), (r2, c2) = train_images.shape[1:], test_images.shape[1:]
        raise UserError(_(
            "{train_name} holds {r1}x{c1} images but {test_name} holds {r2}x{c2}: "
            "training and test images must have the same size"
        ).format(train_name=train_name, r1=r1, c1=c1, test_name=test_name, r2=r2, c2=c2))


# --- splitting ----------------------------------------------------------------------------


def _assemble(
    train_images, train_labels, test_images, test_labels, describe, validation_size, train_size
) -> Mnist:
    """Scale the pixels, cut validation (and train_size) from the training data, write `source`."""
    n_train = len(train_labels)
    if n_train == 0 or len(test_labels) == 0:
        nothing = _("nothing to train on: {source}") if n_train == 0 else _("nothing to test on: {source}")
        raise UserError(nothing.format(source=describe(_("train {train}, test {test}").format(
            train=n_train, test=len(test_labels)))))
    if validation_size is None:
        validation_size = min(5000, n_train // 10)
    if not 0 <= validation_size < n_train:
        raise UserError(_(
            "validation size {size} must be between 0 and {last}: the training data has {n} examples"
        ).format(size=number(validation_size, ","), last=number(n_train - 1, ","), n=number(n_train, ",")))
    if train_size is not None and train_size < 1:
        raise UserError(_("train size must be at least 1, got {size}").format(size=train_size))

    rows, cols = train_images.shape[1:]
    images = _to_float(train_images)
    labels = train_labels.astype(np.int64)
    cut = n_train - validation_size
    train = Split(images[:cut], labels[:cut])
    validation = Split(images[cut:], labels[cut:])
    test = Split(_to_float(test_images), test_labels.astype(np.int64))

    counts = _("train {train}").format(train=number(len(train), ","))
    if train_size is not None and train_size < len(train):
        counts = _("train {train} of {available}").format(train=number(train_size, ","),
                                                          available=number(len(train), ","))
        train = train.take(train_size)
    counts += _(", validation {validation}, test {test}").format(
        validation=number(len(validation), ","), test=number(len(test), ","))
    return Mnist(train, validation, test, (int(rows), int(cols)), describe(counts))


def _to_float(images: np.ndarray) -> np.ndarray:
    """uint8 [n, rows, cols] -> float32 [n, rows*cols] in [0, 1]."""
    flat = images.reshape(len(images), -1).astype(np.float32)
    flat /= 255.0  # in place: MNIST's training images are 188 MB as float32
    return flat


# --- downloading --------------------------------------------------------------------------


def _no_data_message(shown_cache: str, reason: str) -> str:
    return _(
        "no MNIST data: pass --data-dir DIR (four IDX files or {npz}), set {variable}, "
        "or connect to the internet to download it to {cache} ({reason})"
    ).format(npz=NPZ_NAME, variable=ENV_VAR, cache=shown_cache, reason=reason)


def _download(cache: Path, shown_cache: str) -> None:
    """Download URL to `cache`: into a temp file beside it, check SHA-256, then rename.

    The rename is atomic, so an interrupted download never leaves a half file under the
    name the next run would trust.
    """
    # The folders made for the cache, so a failed download leaves none of them behind.
    made = [p for p in (cache.parent, *cache.parent.parents) if not p.exists()]
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=cache.parent, prefix=".mnist-", suffix=".part")
        os.close(handle)
    except OSError as error:
        _remove_empty(made)
        reason = _("cannot write to {folder}: {error}").format(folder=cache.parent, error=error.strerror or error)
        raise UserError(_no_data_message(shown_cache, reason)) from None
    import http.client  # here, not at the top: a lesson's --help must answer at once

    temp = Path(temp_name)
    done = False
    try:
        print(_("downloading MNIST (about 11 MB) from {url} to {path} ...").format(url=URL, path=cache),
              file=sys.stderr, flush=True)
        try:
            _fetch(URL, temp, DOWNLOAD_TIMEOUT)
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise UserError(_no_data_message(shown_cache, _reason(error))) from None
        digest = _sha256(temp)
        if digest != SHA256:
            raise UserError(_(
                "the download from {url} is corrupt: SHA-256 {digest}, expected {expected}; "
                "try again, or pass --data-dir DIR with the MNIST files"
            ).format(url=URL, digest=digest, expected=SHA256))
        os.replace(temp, cache)
        done = True
    finally:
        temp.unlink(missing_ok=True)
        if not done:
            _remove_empty(made)


def _remove_empty(folders):
    """Remove the folders (deepest first) that are still empty; never anything else."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass


def _fetch(url: str, dest: Path, timeout: float) -> None:
    """Save the body of `url` in the file `dest`. Network failures raise OSError (or HTTPException).

    Kept tiny and separate so that tests replace it and never touch the network.
    """
    import urllib.request

    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _reason(error: Exception) -> str:
    """A short one-line reason for a failed download."""
    import urllib.error

    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason
    return " ".join(str(error).split()) or type(error).__name__
