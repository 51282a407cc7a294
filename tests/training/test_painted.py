"""A painted dataset: plain points -> a Dataset that trains, CSV in the loader's format."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.data import load_csv, moons
from playground.training import TrainConfig, Trainer, prepare
from playground.training.painted import (
    PAINT_BOX,
    PaintedSet,
    PaintError,
    erase_near,
    from_dataset,
    normalise,
    to_dataset,
    view_extent,
    write_csv,
)

POINTS = ((-1.0, -1.0, 0), (-0.8, -1.2, 0), (-1.1, -0.7, 0), (1.0, 1.0, 1), (0.9, 1.3, 1),
          (1.2, 0.8, 1), (0.1, -0.05, 0), (0.3, 0.2, 1))


def test_painted_points_train_like_any_dataset():
    config = TrainConfig(dataset="painted", painted=POINTS, steps=40)
    prepared = prepare(config)
    assert prepared.ok, prepared.problems
    assert prepared.dataset.n_samples == len(POINTS) and prepared.dataset.n_classes == 2
    trainer = Trainer(config, prepared)
    history = trainer.run()
    assert history[-1].loss < history[0].loss / 4
    assert trainer.evaluate()["accuracy"] == 1.0


def test_too_few_points_or_one_class_is_a_problem_that_says_what_to_paint():
    for points, words in (((), "0 points so far"), (((0.0, 0.0, 1),), "1 point so far"),
                          (((0.0, 0.0, 1), (1.0, 1.0, 1)), "every point is class 1")):
        prepared = prepare(TrainConfig(dataset="painted", painted=points))
        assert not prepared.ok and prepared.dataset is None
        assert [p.field for p in prepared.problems] == ["dataset"]
        assert words in prepared.problems[0]


def test_classes_are_numbered_as_the_csv_loader_numbers_them():
    ds = to_dataset(((0.0, 0.0, 0), (1.0, 1.0, 3), (2.0, 2.0, 3)))
    assert ds.classes == ("0", "3") and ds.y.tolist() == [0, 1, 1]


def test_csv_export_round_trips_through_the_loader_and_trains_to_the_same_numbers(tmp_path):
    points = (*POINTS, (0.123456789012345, -2.5e-7, 2))
    path = write_csv(points, tmp_path / "mine.csv")
    assert path.read_text(encoding="utf-8").splitlines()[0] == "x1,x2,label"
    loaded = load_csv(path)
    painted = to_dataset(points)
    np.testing.assert_array_equal(loaded.X, painted.X)  # repr floats: exactly the same
    np.testing.assert_array_equal(loaded.y, painted.y)
    assert loaded.classes == painted.classes == ("0", "1", "2")
    common = {"loss": "cross_entropy", "steps": 15, "hidden": (8,)}
    a = Trainer(TrainConfig(dataset="painted", painted=points, **common)).run()
    b = Trainer(TrainConfig(dataset="csv", csv_path=str(path), **common)).run()
    assert [m.loss for m in a] == [m.loss for m in b]


def test_csv_export_of_one_class_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(PaintError, match="only one class"):
        write_csv(((0.0, 0.0, 1), (1.0, 0.0, 1)), tmp_path / "one.csv")
    assert list(tmp_path.iterdir()) == []


def test_the_session_form_of_a_config_keeps_the_painted_points():
    config = TrainConfig(dataset="painted", painted=POINTS, forget_zero_grad=True)
    import json

    again = TrainConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again.painted == POINTS and again.forget_zero_grad is True
    assert again == config


@pytest.mark.parametrize("bad", [[(0.0, 0.0)], [(0.0, float("nan"), 1)], [(0.0, 0.0, 11)],
                                 [(0.0, 0.0, "a")], [(0.0, 0.0, True)]])
def test_bad_points_are_refused_with_a_sentence(bad):
    with pytest.raises(PaintError, match="painted point 1"):
        normalise(bad)


def test_the_eraser_reaches_the_points_within_its_radius():
    assert erase_near(POINTS, (1.0, 1.0), 0.35) == [3, 4, 5]
    assert erase_near(POINTS, (5.0, 5.0), 0.35) == []


def test_the_view_holds_the_box_and_every_point_and_is_square():
    assert view_extent(()) == PAINT_BOX
    x0, x1, y0, y1 = view_extent(((3.0, 0.0, 0), (0.0, 0.5, 1)))
    assert x0 <= -2 and x1 > 3 and y0 <= -2 and y1 >= 2
    assert x1 - x0 == pytest.approx(y1 - y0)


def test_a_painted_set_tells_its_subscribers_each_change():
    seen = []
    s = PaintedSet()
    s.subscribe(seen.append)
    s.set_points(s.with_point(0.5, 0.25, 1))
    s.set_points(s.points)  # no change: no event
    s.set_points(s.without([0]))
    assert seen == [((0.5, 0.25, 1),), ()]


def test_painting_on_a_generated_set_starts_from_its_points():
    ds = moons(20, 0.1, seed=3)
    points = from_dataset(ds)
    again = to_dataset(points)
    np.testing.assert_array_equal(again.X, ds.X)
    np.testing.assert_array_equal(again.y, ds.y)
