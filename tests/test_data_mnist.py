"""tfgraph.data.mnist: finding, checking, splitting and batching MNIST; every data problem named."""

import gzip
import hashlib
import io
import urllib.error

import numpy as np
import pytest
from conftest import (MNIST_IDX_NAMES, assert_one_line_error, error_of, lesson_process,
                      make_images, make_labels, write_mnist_idx)

from tfgraph.data import mnist
from tfgraph.data.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx, write_idx
from tfgraph.data.mnist import ENV_VAR, Split, batches, load_mnist, one_hot
from tfgraph.support.errors import UserError


def npz_bytes(n_train=60, n_test=10):
    buffer = io.BytesIO()
    np.savez(buffer, x_train=make_images(n_train, seed=3), y_train=make_labels(n_train),
             x_test=make_images(n_test, seed=4), y_test=make_labels(n_test))
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """A fake home (so ~/.keras is empty), and a network that fails the test if touched (the
    TFGRAPH_ variables are cleared for every test by conftest)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    def no_network(url, dest, timeout):
        raise AssertionError("a test tried to download")

    monkeypatch.setattr(mnist, "_fetch", no_network)


# --- loading from a folder ----------------------------------------------------------------


def test_four_idx_files_load_with_shapes_scaling_and_splits(tmp_path):
    train_images, train_labels, test_images, test_labels = write_mnist_idx(tmp_path / "d", n_train=100, n_test=20)
    data = load_mnist(tmp_path / "d")

    assert data.image_shape == (28, 28)
    # validation_size=None: min(5000, 100 // 10) = 10, taken from the end of the training data.
    assert (len(data.train), len(data.validation), len(data.test)) == (90, 10, 20)
    for split in (data.train, data.validation, data.test):
        assert split.images.dtype == np.float32 and split.images.shape[1] == 784
        assert split.labels.dtype == np.int64 and split.labels.ndim == 1
        assert 0.0 <= split.images.min() and split.images.max() <= 1.0
    np.testing.assert_allclose(data.train.images, train_images[:90].reshape(90, 784) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(data.validation.labels, train_labels[90:])
    np.testing.assert_allclose(data.test.images, test_images.reshape(20, 784) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(data.test.labels, test_labels)
    assert data.source == f"IDX files in {tmp_path / 'd'} (train 90, validation 10, test 20)"


@pytest.mark.parametrize("dotted", [False, True])
def test_raw_and_dotted_file_names_load(tmp_path, dotted):
    names = tuple(name.replace("-idx", ".idx") for name in MNIST_IDX_NAMES) if dotted else MNIST_IDX_NAMES
    write_mnist_idx(tmp_path, n_train=30, n_test=5, suffix="", names=names)
    data = load_mnist(str(tmp_path))
    assert (len(data.train), len(data.validation), len(data.test)) == (27, 3, 5)


def test_validation_size_and_train_size(tmp_path):
    write_mnist_idx(tmp_path, n_train=100, n_test=20)
    data = load_mnist(tmp_path, validation_size=30, train_size=25)
    assert (len(data.train), len(data.validation), len(data.test)) == (25, 30, 20)
    assert "train 25 of 70" in data.source
    assert len(load_mnist(tmp_path, validation_size=0, train_size=1000).train) == 100
    assert "validation size" in error_of(load_mnist, tmp_path, validation_size=100)


def test_20x20_dataset_loads_flat(tmp_path):
    write_mnist_idx(tmp_path, n_train=40, n_test=8, rows=20, cols=20)
    data = load_mnist(tmp_path)
    assert data.image_shape == (20, 20)
    assert data.train.images.shape == (36, 400) and data.test.images.shape == (8, 400)


def test_test_set_only_folder_is_split_80_20(tmp_path):
    images, labels = make_images(50), make_labels(50)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels)
    data = load_mnist(tmp_path)
    # 40 train images, of which the last 4 validate; the last 10 test.
    assert (len(data.train), len(data.validation), len(data.test)) == (36, 4, 10)
    np.testing.assert_allclose(data.test.images, images[40:].reshape(10, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(data.validation.labels, labels[36:40])
    assert data.source.startswith(f"only the MNIST test set found in {tmp_path}: training on its first 40 images")
    assert "last 10" in data.source


def test_npz_in_folder_loads(tmp_path):
    (tmp_path / "mnist.npz").write_bytes(npz_bytes(60, 10))
    data = load_mnist(tmp_path)
    assert (len(data.train), len(data.validation), len(data.test)) == (54, 6, 10)
    assert data.train.images.shape == (54, 784) and data.train.images.dtype == np.float32
    assert str(tmp_path / "mnist.npz") in data.source


def test_env_var_is_honoured_and_data_dir_wins(tmp_path, monkeypatch):
    write_mnist_idx(tmp_path / "env", n_train=50, n_test=7)
    write_mnist_idx(tmp_path / "arg", n_train=20, n_test=3)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env"))
    assert len(load_mnist().test) == 7
    assert len(load_mnist(tmp_path / "arg").test) == 3
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    message = error_of(load_mnist)
    assert ENV_VAR in message and str(tmp_path / "nowhere") in message and "does not exist" in message


# --- folder and file errors ---------------------------------------------------------------


def test_missing_folder_and_file_instead_of_folder(tmp_path):
    message = error_of(load_mnist, tmp_path / "nope")
    assert str(tmp_path / "nope") in message and "does not exist" in message
    (tmp_path / "file").write_text("x")
    assert "not a folder" in error_of(load_mnist, tmp_path / "file")


def test_empty_folder_lists_expected_files(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    message = error_of(load_mnist, tmp_path)
    assert str(tmp_path) in message and "mnist.npz" in message and "notes.txt" in message
    assert all(name in message for name in MNIST_IDX_NAMES)


def test_partial_folder_names_missing_files(tmp_path):
    write_mnist_idx(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    message = error_of(load_mnist, tmp_path)
    assert "missing train-labels-idx1-ubyte" in message and "train-images-idx3-ubyte.gz" in message


def test_count_mismatch_names_both_files_and_counts(tmp_path):
    write_mnist_idx(tmp_path, n_train=100)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", make_labels(99))
    message = error_of(load_mnist, tmp_path)
    assert "train-images-idx3-ubyte.gz has 100 images" in message
    assert "train-labels-idx1-ubyte.gz has 99 labels" in message


def test_label_out_of_range_names_file_and_value(tmp_path):
    write_mnist_idx(tmp_path, n_test=20)
    labels = make_labels(20)
    labels[5] = 11
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels)
    message = error_of(load_mnist, tmp_path)
    assert "t10k-labels-idx1-ubyte.gz" in message and "label 11" in message


def test_train_and_test_image_sizes_must_match(tmp_path):
    write_mnist_idx(tmp_path)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", make_images(20, 20, 20))
    assert "28x28" in error_of(load_mnist, tmp_path) and "20x20" in error_of(load_mnist, tmp_path)


def test_swapped_images_and_labels_report_magic(tmp_path):
    write_mnist_idx(tmp_path)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", make_labels(20))
    message = error_of(load_mnist, tmp_path)
    assert "t10k-images-idx3-ubyte.gz" in message and "0x00000803" in message and "0x00000801" in message


def test_corrupt_gzip_in_folder_names_file(tmp_path):
    write_mnist_idx(tmp_path)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    message = error_of(load_mnist, tmp_path)
    assert str(path) in message and "truncated gzip" in message


def test_bad_npz_files(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, x_train=make_images(5), y_train=make_labels(5))
    (tmp_path / "mnist.npz").write_bytes(buffer.getvalue())
    assert "lacks x_test, y_test" in error_of(load_mnist, tmp_path)

    buffer = io.BytesIO()
    np.savez(buffer, x_train=make_images(5).reshape(5, -1), y_train=make_labels(5),
             x_test=make_images(2), y_test=make_labels(2))
    (tmp_path / "mnist.npz").write_bytes(buffer.getvalue())
    assert "x_train has shape (5, 784), expected 3 dims" in error_of(load_mnist, tmp_path)

    (tmp_path / "mnist.npz").write_text("not a zip")
    assert "not an .npz archive" in error_of(load_mnist, tmp_path)


# --- every data problem named by a lesson: one line, exit 2 -------------------------------


def _missing(tmp):
    return tmp / "nowhere"


def _a_file(tmp):
    (tmp / "file.txt").write_text("hello")
    return tmp / "file.txt"


def _empty(tmp):
    (tmp / "empty").mkdir()
    return tmp / "empty"


def _wrong_files(tmp):
    (tmp / "wrong").mkdir()
    (tmp / "wrong" / "cats.csv").write_text("1,2,3")
    return tmp / "wrong"


def _half(tmp):
    folder = tmp / "half"
    write_mnist_idx(folder)
    (folder / f"{MNIST_IDX_NAMES[1]}.gz").unlink()
    return folder


def _truncated_gzip(tmp):
    folder = tmp / "truncated"
    write_mnist_idx(folder)
    path = folder / f"{MNIST_IDX_NAMES[0]}.gz"
    path.write_bytes(path.read_bytes()[:200])
    return folder


def _not_gzip(tmp):
    folder = tmp / "notgzip"
    write_mnist_idx(folder)
    (folder / f"{MNIST_IDX_NAMES[2]}.gz").write_bytes(b"<html>not found</html>")
    return folder


def _truncated_raw(tmp):
    folder = tmp / "raw"
    write_mnist_idx(folder)
    raw = gzip.decompress((folder / f"{MNIST_IDX_NAMES[0]}.gz").read_bytes())
    (folder / f"{MNIST_IDX_NAMES[0]}.gz").unlink()
    (folder / MNIST_IDX_NAMES[0]).write_bytes(raw[:-100])
    return folder


def _swapped(tmp):
    folder = tmp / "swapped"
    write_mnist_idx(folder)
    a, b = folder / f"{MNIST_IDX_NAMES[2]}.gz", folder / f"{MNIST_IDX_NAMES[3]}.gz"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    return folder


def _count_mismatch(tmp):
    write_mnist_idx(tmp / "count", train_labels=make_labels(90))
    return tmp / "count"


def _label_out_of_range(tmp):
    labels = make_labels(100)
    labels[7] = 12
    write_mnist_idx(tmp / "labels", train_labels=labels)
    return tmp / "labels"


def _shape_mismatch(tmp):
    write_mnist_idx(tmp / "shapes", test_size=(20, 20))
    return tmp / "shapes"


@pytest.mark.parametrize("make, words", [
    (_missing, ["does not exist"]),
    (_a_file, ["not a folder"]),
    (_empty, ["train-images-idx3-ubyte"]),
    (_wrong_files, ["train-images-idx3-ubyte"]),
    (_half, ["train-labels-idx1-ubyte"]),
    (_truncated_gzip, ["train-images-idx3-ubyte.gz"]),
    (_not_gzip, ["t10k-images-idx3-ubyte.gz", "gzip"]),
    (_truncated_raw, ["train-images-idx3-ubyte", "truncated"]),
    (_swapped, ["t10k-images-idx3-ubyte.gz", "2051"]),
    (_count_mismatch, ["100", "90"]),
    (_label_out_of_range, ["train-labels-idx1-ubyte.gz", "12"]),
    (_shape_mismatch, ["28", "20"]),
], ids=lambda v: getattr(v, "__name__", "")[1:] if callable(v) else None)
def test_bad_data_dir(tmp_path, lesson_main, make, words):
    # As `python -m lessons.mnist_dense` runs, in this process (lesson_main); the test below
    # meets a data problem through a real command (mnist_softmax's).
    folder = make(tmp_path)
    proc = lesson_main("mnist_dense", "--data-dir", str(folder),
                       "--logdir", str(tmp_path / "logs"))
    assert_one_line_error(proc, *words)


# --- Keras cache and download -------------------------------------------------------------


def test_keras_cache_is_used(tmp_path):
    cache = tmp_path / "cache" / "mnist.npz"
    cache.parent.mkdir()
    cache.write_bytes(npz_bytes(60, 10))
    data = load_mnist(cache_path=cache)
    assert len(data.test) == 10 and str(cache) in data.source


def test_default_keras_cache_is_expanded_at_call_time(tmp_path):
    cache = tmp_path / "home" / ".keras" / "datasets" / "mnist.npz"  # HOME is tmp_path/home
    cache.parent.mkdir(parents=True)
    cache.write_bytes(npz_bytes(60, 10))
    assert len(load_mnist().train) == 54


def test_download_with_good_hash_is_cached(tmp_path, monkeypatch, capsys):
    body = npz_bytes(60, 10)
    monkeypatch.setattr(mnist, "SHA256", hashlib.sha256(body).hexdigest())
    calls = []

    def fake_fetch(url, dest, timeout):
        calls.append((url, timeout))
        dest.write_bytes(body)

    monkeypatch.setattr(mnist, "_fetch", fake_fetch)
    cache = tmp_path / "new" / "dir" / "mnist.npz"
    data = load_mnist(cache_path=cache)

    assert calls == [(mnist.URL, 30)]
    assert cache.read_bytes() == body and sorted(p.name for p in cache.parent.iterdir()) == ["mnist.npz"]
    assert len(data.train) == 54 and "downloaded" in data.source
    note = capsys.readouterr().err
    assert note.count("\n") == 1 and "downloading" in note
    # The second run finds the cache and does not download.
    assert len(load_mnist(cache_path=cache).test) == 10 and len(calls) == 1


def test_download_with_bad_hash_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "_fetch", lambda url, dest, timeout: dest.write_bytes(b"garbage"))
    cache = tmp_path / "c" / "mnist.npz"
    message = error_of(load_mnist, cache_path=cache)
    assert "SHA-256" in message and mnist.SHA256 in message
    assert not cache.parent.exists()   # not even the folder made for it (issue #13.4)


def test_network_error_names_the_three_ways(tmp_path, monkeypatch):
    def offline_fetch(url, dest, timeout):
        dest.write_bytes(b"partial")
        raise urllib.error.URLError(OSError("Temporary failure in name resolution"))

    monkeypatch.setattr(mnist, "_fetch", offline_fetch)
    cache = tmp_path / "c" / "mnist.npz"
    message = error_of(load_mnist, cache_path=cache)
    assert "--data-dir" in message and ENV_VAR in message and "download" in message
    assert "name resolution" in message and str(cache) in message
    assert not cache.parent.exists()   # not even the folder made for it (issue #13.4)


def test_download_false_with_nothing_local(tmp_path):
    # The autouse fixture makes any download attempt fail the test.
    message = error_of(load_mnist, download=False, cache_path=tmp_path / "mnist.npz")
    assert message.startswith("no MNIST data:") and "--data-dir" in message and ENV_VAR in message
    assert not (tmp_path / "mnist.npz").exists()


def test_no_data_anywhere_names_the_three_ways_and_creates_nothing(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "logs").mkdir()
    proc = lesson_process("mnist_softmax", "--logdir", str(tmp_path / "logs"),
                          env={"HOME": str(home)})
    assert_one_line_error(proc, "--data-dir", "TFGRAPH_DATA_DIR", "download")
    # A failed start leaves no litter: no logs/<lesson>/, no ~/.keras/datasets/
    assert list((tmp_path / "logs").iterdir()) == []
    assert list(home.iterdir()) == []


def test_a_failed_download_leaves_no_folders(tmp_path, monkeypatch):
    from tfgraph.data import mnist
    tried = []

    def no_network(url, dest, timeout):
        tried.append(url)
        raise OSError("Network is unreachable")

    monkeypatch.delenv(mnist.OFFLINE_ENV_VAR, raising=False)
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    monkeypatch.setattr(mnist, "_fetch", no_network)
    cache = tmp_path / "home" / ".keras" / "datasets" / "mnist.npz"
    (tmp_path / "home").mkdir()
    with pytest.raises(UserError, match="Network is unreachable"):
        mnist.load_mnist(cache_path=cache)
    assert tried == [mnist.URL]                        # the download was really attempted
    assert list((tmp_path / "home").iterdir()) == []   # and left no .keras/datasets/ behind


def test_offline_means_no_network_call_at_all(tmp_path, monkeypatch):
    import socket
    import urllib.request
    from tfgraph.data import mnist
    calls = []

    def refuse(name):
        def call(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"network call {name} while {mnist.OFFLINE_ENV_VAR} is set")
        return call

    monkeypatch.setattr(mnist, "_fetch", refuse("_fetch"))
    monkeypatch.setattr(urllib.request, "urlopen", refuse("urlopen"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.delenv(mnist.ENV_VAR, raising=False)
    monkeypatch.setenv(mnist.OFFLINE_ENV_VAR, "1")
    cache = tmp_path / "nowhere" / "mnist.npz"
    with pytest.raises(UserError, match="downloading is turned off"):
        mnist.load_mnist(cache_path=cache)
    assert calls == [] and not (tmp_path / "nowhere").exists()
    # The same call without TFGRAPH_OFFLINE does reach for the network: the guard is real.
    monkeypatch.delenv(mnist.OFFLINE_ENV_VAR)
    with pytest.raises(AssertionError, match="network call _fetch"):
        mnist.load_mnist(cache_path=cache)
    assert calls == ["_fetch"]


# --- one_hot, Split, batches --------------------------------------------------------------


def test_one_hot_and_split_helpers():
    encoded = one_hot(np.array([0, 3, 9]))
    assert encoded.dtype == np.float32 and encoded.shape == (3, 10)
    np.testing.assert_array_equal(encoded.argmax(axis=1), [0, 3, 9])
    assert encoded.sum() == 3
    split = Split(np.zeros((5, 4), np.float32), np.arange(5, dtype=np.int64))
    assert len(split) == 5 and split.one_hot().shape == (5, 10)
    assert len(split.take(2)) == 2 and split.take(5) is split and split.take(99) is split


def _id_split(n):
    """A split whose image i holds the number i, so batches can be traced back to examples."""
    return Split(np.arange(n, dtype=np.float32).reshape(n, 1), (np.arange(n) % 10).astype(np.int64))


def test_batches_cover_each_example_once_shuffled_and_keep_last_partial():
    split = _id_split(23)
    epoch = list(batches(split, 5, np.random.default_rng(0)))
    assert [len(images) for images, _ in epoch] == [5, 5, 5, 5, 3]
    ids = np.concatenate([images[:, 0] for images, _ in epoch]).astype(int)
    assert sorted(ids) == list(range(23)) and list(ids) != list(range(23))
    for images, labels in epoch:
        assert labels.dtype == np.float32 and labels.shape == (len(images), 10)
        np.testing.assert_array_equal(labels.argmax(axis=1), images[:, 0].astype(int) % 10)


def test_batches_are_deterministic_per_seed_and_can_give_int_labels():
    split = _id_split(40)

    def order(seed):
        return np.concatenate([images[:, 0] for images, _ in batches(split, 8, np.random.default_rng(seed))])

    np.testing.assert_array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    rng = np.random.default_rng(1)
    first, second = [np.concatenate([x[:, 0] for x, _ in batches(split, 8, rng)]) for _ in range(2)]
    assert not np.array_equal(first, second)  # a new permutation each epoch
    for images, labels in batches(split, 16, np.random.default_rng(0), one_hot=False):
        assert labels.dtype == np.int64 and labels.shape == (len(images),)
    assert "batch size" in error_of(lambda: next(batches(split, 0, np.random.default_rng(0))))


# --- the real MNIST test set --------------------------------------------------------------


def test_real_mnist_test_set(shared_mnist_dir):
    labels = read_idx(shared_mnist_dir / "t10k-labels-idx1-ubyte.gz", expected_magic=LABELS_MAGIC)
    images = read_idx(shared_mnist_dir / "t10k-images-idx3-ubyte.gz", expected_magic=IMAGES_MAGIC)
    assert images.shape == (10_000, 28, 28) and labels.shape == (10_000,)
    counts = np.bincount(labels, minlength=10)
    assert len(counts) == 10 and counts.min() >= 800 and counts.max() <= 1200, counts
    assert labels[0] == 7

    data = load_mnist(shared_mnist_dir)
    assert (len(data.train), len(data.validation), len(data.test)) == (7_200, 800, 2_000)
    assert data.train.labels[0] == 7 and data.image_shape == (28, 28)
    for split in (data.train, data.validation, data.test):
        assert split.images.min() >= 0.0 and split.images.max() <= 1.0
    assert "only the MNIST test set" in data.source and "8,000" in data.source


# --- in Portuguese (--lang pt) --------------------------------------------------------------


def test_a_data_error_in_portuguese_is_one_line_with_portuguese_numbers(tmp_path, lesson_main):
    folder = tmp_path / "d"
    write_mnist_idx(folder, n_train=1500, n_test=20, rows=4, cols=4, train_labels=make_labels(1200))
    proc = lesson_main("mnist_dense", "--lang", "pt", "--data-dir", str(folder),
                       "--logdir", str(tmp_path / "logs"))
    line = assert_one_line_error(proc, "tem 1.500 imagens, mas", "tem 1.200 rótulos: eles devem vir em "
                                 "pares correspondentes", "train-labels-idx1-ubyte.gz")
    assert "images" not in line.replace("train-images", "") and "1,500" not in line


def test_the_data_line_and_a_loader_error_in_portuguese(tmp_path):
    from tfgraph.support import i18n
    write_mnist_idx(tmp_path, n_train=1500, n_test=20, rows=4, cols=4)
    i18n.use("pt")
    data = load_mnist(tmp_path, train_size=1000)
    assert data.source == f"arquivos IDX em {tmp_path} (treino 1.000 de 1.350, validação 150, teste 20)"
    assert error_of(load_mnist, tmp_path, validation_size=2000) == (
        "o tamanho da validação, 2.000, deve estar entre 0 e 1.499: os dados de treino têm 1.500 exemplos")
    assert error_of(load_mnist, tmp_path / "nope") == f"a pasta de dados {tmp_path / 'nope'} não existe"
    i18n.use("en")
    assert load_mnist(tmp_path, train_size=1000).source == (
        f"IDX files in {tmp_path} (train 1,000 of 1,350, validation 150, test 20)")
