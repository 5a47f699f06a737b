"""datasets.train_validation_test_split: disjoint parts that cover the data, the asked sizes,
each class in proportion (stratified) or not, the same split for the same seed, and clear
errors for fractions that make no sense."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from studypack import datasets
from studypack.datasets import train_validation_test_split


def row_keys(X):
    return [tuple(row) for row in X]


@given(n=st.integers(10, 300), n_classes=st.integers(1, 4),
       validation=st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5]),
       test=st.sampled_from([0.0, 0.1, 0.2, 0.3]), seed=st.integers(0, 10_000),
       stratify=st.booleans())
def test_parts_are_disjoint_cover_the_data_and_keep_its_order(n, n_classes, validation, test,
                                                               seed, stratify):
    assume(validation + test <= 0.5)  # then every class of ≥ 2 points keeps one for training
    X = np.arange(2 * n, dtype=float).reshape(n, 2)   # every row different: rows identify points
    y = np.arange(n) % n_classes
    splits = train_validation_test_split(X, y, validation, test, seed=seed, stratify=stratify)
    rows = [row for part in splits for row in row_keys(part[0])]
    assert sorted(rows) == row_keys(X)                  # every point exactly once
    for part_X, part_y in splits:
        assert len(part_X) == len(part_y)
        np.testing.assert_array_equal(part_y, y[(part_X[:, 0] // 2).astype(int)])  # labels follow
        assert (np.diff(part_X[:, 0]) > 0).all()          # original order kept
    if stratify:
        for label in range(n_classes):
            members = (y == label).sum()
            for part, fraction in ((splits.validation, validation), (splits.test, test)):
                assert (part[1] == label).sum() == round(members * fraction)
    else:
        assert len(splits.validation[1]) == round(n * validation)
        assert len(splits.test[1]) == round(n * test)


def test_the_same_seed_gives_the_same_split_and_another_seed_another():
    X, y = datasets.moons(100, seed=0)
    first = train_validation_test_split(X, y, seed=3)
    again = train_validation_test_split(X, y, seed=3)
    other = train_validation_test_split(X, y, seed=4)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(first.validation[0], other.validation[0])


def test_stratified_moons_keep_the_classes_balanced():
    X, y = datasets.moons(200, seed=0)
    splits = train_validation_test_split(X, y, validation=0.2, test=0.1, seed=0)
    assert [np.bincount(part[1]).tolist() for part in splits] == [[70, 70], [20, 20], [10, 10]]
    assert splits.train[0].shape == (140, 2)


def test_regression_targets_split_without_strata():
    x, y = datasets.line(50, seed=0)
    splits = train_validation_test_split(x, y, validation=0.2, test=0.2, stratify=False)
    assert [len(part[1]) for part in splits] == [30, 10, 10]
    with pytest.raises(ValueError, match="stratify=False for regression targets"):
        train_validation_test_split(x, y)


@pytest.mark.parametrize("validation, test, message", [
    (-0.1, 0.2, r"^validation must be a fraction from 0 up to \(not including\) 1, got -0.1$"),
    (0.2, 1.0, r"^test must be a fraction .* got 1.0$"),
    (0.2, True, r"^test must be a fraction .* got True$"),
    ("0.2", 0.2, r"^validation must be a fraction .* got '0.2'$"),
    (float("nan"), 0.2, r"^validation must be a fraction .* got nan$"),
    (0.6, 0.4, r"^validation \+ test = 1 leaves no points for training"),
])
def test_bad_fractions_are_refused(validation, test, message):
    X, y = datasets.moons(20, seed=0)
    with pytest.raises(ValueError, match=message):
        train_validation_test_split(X, y, validation, test)


def test_mismatched_lengths_and_an_empty_training_set_are_refused():
    with pytest.raises(ValueError, match="one row per point: got 5 inputs and 4 targets"):
        train_validation_test_split(np.zeros((5, 2)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="leaves no points for training"):
        train_validation_test_split(np.zeros((4, 2)), np.array([0, 0, 1, 1]), 0.5, 0.45)
