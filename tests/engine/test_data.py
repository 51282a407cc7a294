"""Datasets: seeded generators, the lecture samples, the split and the CSV loader's messages."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.data import (
    DATASETS,
    Dataset,
    DatasetError,
    lecture,
    load_csv,
    make_dataset,
    moons,
    parse_csv,
    train_test_split,
)


def test_lecture_samples_are_the_lectures():
    ds = lecture()
    assert ds.X.tolist() == [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
    assert ds.signs().tolist() == [1, -1, -1, 1]
    assert ds.n_features == 3 and ds.n_classes == 2


def test_moons_matches_scikit_learn_draw_for_draw():
    """sklearn.datasets.make_moons(100, noise=0.1, random_state=1337), written out by hand:
    half circles, RandomState.shuffle of the indices, then normal noise from the same stream."""
    ds = moons(100, 0.1, seed=1337)
    rs = np.random.RandomState(1337)
    t = np.linspace(0, np.pi, 50)
    X = np.c_[np.r_[np.cos(t), 1 - np.cos(t)], np.r_[np.sin(t), 1 - np.sin(t) - 0.5]]
    y = np.r_[np.zeros(50), np.ones(50)]
    idx = np.arange(100)
    rs.shuffle(idx)
    X, y = X[idx] + rs.normal(scale=0.1, size=(100, 2)), y[idx]
    np.testing.assert_array_equal(ds.X, X)
    np.testing.assert_array_equal(ds.y, y)
    # a spot value, so a change in numpy's frozen RandomState stream would be noticed
    assert ds.X.shape == (100, 2) and ds.y.sum() == 50


def test_moons_against_scikit_learn_when_installed():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_moons(n_samples=101, noise=0.2, random_state=7)
    ds = moons(101, 0.2, seed=7)
    np.testing.assert_array_equal(ds.X, X)
    np.testing.assert_array_equal(ds.y, y)
    X, y = datasets.make_circles(n_samples=60, noise=0.05, factor=0.5, random_state=3)
    ds = make_dataset("circles", n_samples=60, noise=0.05, seed=3)
    np.testing.assert_array_equal(ds.X, X)
    np.testing.assert_array_equal(ds.y, y)


@pytest.mark.parametrize("name", [n for n in DATASETS if n != "lecture"])
def test_generators_are_seeded_sized_and_labelled(name):
    a = make_dataset(name, n_samples=61, seed=5)
    b = make_dataset(name, n_samples=61, seed=5)
    c = make_dataset(name, n_samples=61, seed=6)
    assert a.X.shape == (61, 2) and a.X.dtype == np.float64
    assert a.y.dtype == (np.float64 if a.regression else np.int64)  # targets, or class indices
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    if a.regression:
        assert a.classes == () and np.isfinite(a.y).all() and np.ptp(a.y) > 0
    else:
        assert set(a.y.tolist()) == set(range(a.n_classes))
    assert np.isfinite(a.X).all()


def test_noise_controls_the_spread():
    clean = make_dataset("moons", n_samples=200, noise=0.0, seed=1)
    noisy = make_dataset("moons", n_samples=200, noise=0.3, seed=1)
    # noiseless moons lie exactly on the unit half circles
    outer = clean.X[clean.y == 0]
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0)
    outer = noisy.X[noisy.y == 0]
    assert np.std(np.hypot(outer[:, 0], outer[:, 1])) > 0.1


@pytest.mark.parametrize("name", ["spiral", "blobs"])
def test_k_class_generators(name):
    ds = make_dataset(name, n_samples=90, n_classes=3, seed=0)
    assert ds.n_classes == 3
    assert np.bincount(ds.y).tolist() == [30, 30, 30]


def test_xor_labels_follow_the_quadrants():
    ds = make_dataset("xor", n_samples=300, noise=0.0, seed=2)
    np.testing.assert_array_equal(ds.y, (ds.X[:, 0] * ds.X[:, 1] > 0).astype(int))


def test_bad_generator_parameters_are_dataset_errors():
    with pytest.raises(DatasetError, match="unknown dataset"):
        make_dataset("mnist")
    with pytest.raises(DatasetError, match="samples"):
        make_dataset("moons", n_samples=1)
    with pytest.raises(DatasetError, match="noise"):
        make_dataset("moons", noise=-1)
    with pytest.raises(DatasetError, match="2 classes"):
        make_dataset("moons", n_classes=3)


def test_train_test_split_is_seeded_and_disjoint():
    ds = moons(100, 0.1, seed=0)
    train, test = train_test_split(ds, 0.2, seed=4)
    assert len(train) == 80 and len(test) == 20
    rows = {tuple(r) for r in train.X} | {tuple(r) for r in test.X}
    assert len(rows) == 100
    _, test2 = ds.split(0.2, seed=4)
    np.testing.assert_array_equal(test.X, test2.X)
    with pytest.raises(DatasetError):
        train_test_split(lecture(), 0.01)


# --- CSV --------------------------------------------------------------------------------


def test_csv_with_header_and_word_labels(tmp_path):
    f = tmp_path / "iris.csv"
    f.write_text("x1,x2,kind\n1,2,red\n3,4.5,blue\n\n# a comment\n-1,0,red\n")
    ds = load_csv(f)
    assert ds.X.tolist() == [[1, 2], [3, 4.5], [-1, 0]]
    assert ds.classes == ("blue", "red")
    assert ds.y.tolist() == [1, 0, 1]
    assert ds.name == "iris"


def test_csv_numeric_labels_sorted_by_value_and_label_column_by_name():
    ds = parse_csv("label,a,b\n1,0.5,1\n-1,2,3\n1,1,1\n", label_column="label")
    assert ds.classes == ("-1", "1")
    assert ds.signs().tolist() == [1, -1, 1]
    assert ds.X.tolist() == [[0.5, 1], [2, 3], [1, 1]]
    ds = parse_csv("0.5,1,10\n2,3,2\n", label_column=-1)  # no header: 10 > 2 numerically
    assert ds.classes == ("2", "10") and ds.y.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,y\n1,2,0\n3,4\n", "line 3: expected 3 columns, found 2"),
        ("a,b,y\n1,2,0\n3,x,1\n", r"line 3, column 2 \(b\): 'x' is not a number"),
        ("1,2,0\n3,oops,1\n", r"line 2, column 2 \(column 2\): 'oops' is not a number"),
        ("a,b,y\n1,2,0\n3,inf,1\n", "line 3, column 2 .*not a finite number"),
        ("a,b,y\n1,2,0\n3,4,1\n5,6,1,9\n", "line 4: expected 3 columns, found 4"),
        ("a,b,y\n1,2,cat\n3,4,cat\n", "only one class .*'cat'"),
        ("", "empty"),
        ("\n\n# only a comment\n", "empty"),
        ("a,b,y\n", r"header \(line 1\) but no data rows"),
        ("a,b,y\n1,2,\n", r"line 2, column 3 \(y\): the label is empty"),
        ("y\n1\n2\n", "at least 2 columns"),
    ],
)
def test_csv_errors_name_the_line(text, message):
    with pytest.raises(DatasetError, match=message) as info:
        parse_csv(text, source="data.csv")
    assert str(info.value).startswith("data.csv")
    assert "\n" not in str(info.value)


def test_csv_file_errors(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(DatasetError, match="not a text file"):
        load_csv(tmp_path / "bin.csv")
    (tmp_path / "ok.csv").write_text("a,b,y\n1,2,0\n3,4,1\n")
    with pytest.raises(DatasetError, match="no column named 'z'"):
        load_csv(tmp_path / "ok.csv", label_column="z")
    assert isinstance(DatasetError("x"), ValueError)


def test_dataset_rejects_mismatched_arrays():
    with pytest.raises(DatasetError):
        Dataset(np.zeros((3, 2)), np.zeros(4, dtype=np.int64))
