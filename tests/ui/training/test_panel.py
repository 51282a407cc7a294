"""The training panel driven through its widgets and buttons (pytest-qt, offscreen)."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground.engine.losses import LOSSES
from playground.graph.document import GraphDocument
from playground.graph.evaluate import evaluate
from playground.training.config import TrainConfig
from playground.training.snapshot import ModelSnapshot

LEFT = Qt.MouseButton.LeftButton
DONE_MS = 20_000


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.objectName()} is disabled"
    qtbot.mouseClick(button, LEFT)


def type_into(qtbot, line_edit, text: str) -> None:
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)


def set_spin(qtbot, spin, value: int) -> None:
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), str(value))
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert spin.value() == value


def choose(combo, data: str) -> None:
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)


def finished(panel) -> bool:
    return panel.run is not None and panel.run.state == "finished"


def train_to_end(qtbot, panel) -> None:
    click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: finished(panel), timeout=DONE_MS)


# --- a whole run ---------------------------------------------------------------------------


def test_defaults_are_micrograds_demo_and_train_to_the_end(qtbot, panel):
    assert panel.objectName() == "training_panel"
    # moons (100 points, noise 0.1), 2-16-16-1, svm + 1e-4 L2, 100 steps, lr 1.0 -> 0.1
    assert panel.config() == TrainConfig(n_samples=100, noise=0.1)
    assert panel.form.hidden.text() == "16, 16"
    train_to_end(qtbot, panel)
    assert panel.run.result[0] == "done"
    history = panel.run.trainer.history
    assert len(history) == 100 and history[-1].accuracy >= 0.99
    plots = panel.plots
    assert plots.point_count() == 100  # one point per step
    assert list(plots.loss_line.get_xdata()) == list(range(100))
    np.testing.assert_allclose(plots.loss_line.get_ydata(), [m.loss for m in history])
    assert panel.progress_bar.value() == 100
    assert "Done" in panel.message_text()
    assert plots.image.get_visible()  # the decision boundary of 2-D data
    assert panel.train_button.text() != "Resume"


def test_a_run_set_up_through_the_widgets(qtbot, panel):
    choose(panel.form.dataset, "circles")
    set_spin(qtbot, panel.form.n_samples, 80)
    set_spin(qtbot, panel.form.test_percent, 25)
    type_into(qtbot, panel.form.hidden, "8, 8")
    choose(panel.form.activation, "tanh")
    choose(panel.form.loss, "bce")
    type_into(qtbot, panel.form.l2, "0")
    choose(panel.form.optimizer, "adam")
    type_into(qtbot, panel.form.lr, "0.05")
    choose(panel.form.schedule, "cosine")
    set_spin(qtbot, panel.form.batch_size, 32)
    set_spin(qtbot, panel.form.steps, 40)
    set_spin(qtbot, panel.form.seed, 7)
    c = panel.config()
    assert (c.dataset, c.n_samples, c.test_fraction, c.hidden, c.activation, c.loss) == (
        "circles", 80, 0.25, (8, 8), "tanh", "bce")
    assert (c.optimizer, c.lr, c.schedule, c.batch_size, c.steps, c.seed, c.l2) == (
        "adam", 0.05, "cosine", 32, 40, 7, 0.0)
    assert panel.form.preview.point_count() == 80
    train_to_end(qtbot, panel)
    plots = panel.plots
    assert plots.point_count() == 40
    test_curve = plots.test_loss_line.get_ydata()
    assert len(test_curve) == 40 and np.all(np.isfinite(test_curve))  # 20 held-out points
    assert panel.run.trainer.test_set is not None and len(panel.run.trainer.test_set) == 20
    assert panel.run.trainer.config == c


def test_pause_pauses_step_takes_one_step_reset_clears(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 100_000)  # MAX_STEPS: a run that outlasts the test
    click(qtbot, panel.train_button)
    plots = panel.plots
    qtbot.waitUntil(lambda: plots.point_count() >= 5, timeout=DONE_MS)
    assert not panel.form.lr.isEnabled()  # settings are locked during a run
    click(qtbot, panel.pause_button)
    assert panel.train_button.text() == "Resume" and not panel.pause_button.isEnabled()
    # the worker finishes the step it was in, reports, and waits
    qtbot.waitUntil(lambda: panel.run.worker.paused, timeout=DONE_MS)
    qtbot.waitUntil(lambda: plots.point_count() == len(panel.run.trainer.history),
                    timeout=DONE_MS)
    paused_at = plots.point_count()
    qtbot.wait(400)  # a while: nothing may move
    assert plots.point_count() == paused_at == len(panel.run.trainer.history)

    click(qtbot, panel.step_button)
    qtbot.waitUntil(lambda: plots.point_count() == paused_at + 1, timeout=DONE_MS)
    qtbot.wait(300)
    assert plots.point_count() == paused_at + 1
    assert list(plots.loss_line.get_xdata()) == list(range(paused_at + 1))
    assert panel.progress_bar.value() == paused_at + 1

    click(qtbot, panel.train_button)  # resume
    qtbot.waitUntil(lambda: plots.point_count() > paused_at + 5, timeout=DONE_MS)

    click(qtbot, panel.reset_button)
    assert panel.run is None
    assert plots.point_count() == 0
    assert panel.progress_bar.value() == 0
    assert panel.form.lr.isEnabled() and panel.train_button.text() == "Train"
    # the stopped run is recorded and its curves stay, in its colour
    assert [r.outcome for r in panel.runs] == ["stopped"]
    assert [r.number for r in plots.runs.records] == [1]
    assert panel.run_table.numbers() == [1]
    assert "stopped by you after" in panel.runs.last.stopped_reason
    click(qtbot, plots.clear_button)
    assert plots.runs.records == [] and len(panel.runs) == 0
    assert panel.run_table.numbers() == []


def test_step_from_idle_starts_a_paused_run_of_one_step(qtbot, panel):
    click(qtbot, panel.step_button)
    qtbot.waitUntil(lambda: panel.plots.point_count() == 1, timeout=DONE_MS)
    assert panel.run.state == "paused"
    click(qtbot, panel.step_button)
    qtbot.waitUntil(lambda: panel.plots.point_count() == 2, timeout=DONE_MS)
    assert len(panel.run.trainer.history) == 2


def test_finished_runs_stay_in_their_own_colours(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 30)
    train_to_end(qtbot, panel)
    first_color = panel.plots.loss_line.get_color()
    type_into(qtbot, panel.form.lr, "0.3")
    train_to_end(qtbot, panel)
    plots = panel.plots
    assert [r.number for r in plots.runs.records] == [1] and plots.point_count() == 30
    earlier = plots.runs.lines(1)[0]
    assert earlier.get_color() == first_color != plots.loss_line.get_color()
    assert len(earlier.get_xdata()) == 30
    plots.log_scale.setChecked(True)
    assert plots.ax_loss.get_yscale() == "log"
    click(qtbot, plots.clear_button)
    assert plots.runs.records == [] and plots.point_count() == 30
    assert [r.number for r in panel.runs] == [2]  # the run on show stays


# --- problems ------------------------------------------------------------------------------


def test_divergence_stops_with_advice_and_keeps_the_curve(qtbot, panel):
    type_into(qtbot, panel.form.lr, "1e6")
    train_to_end(qtbot, panel)
    how, reason = panel.run.result
    assert how == "diverged" and reason.startswith("diverged at step 1: the loss grew to")
    message = panel.message_text()
    # counted as the progress bar and the runs table count: 2 steps, the first one's update
    # blew up, the second showed it
    assert message.startswith("Training stopped: diverged: step 1's update blew up (at step 2 "
                              "the loss grew to ")
    assert panel.controls.progress_bar.value() == 2 and panel.runs.last.steps == 2
    assert "a learning rate of 1e+06 is too big for this model; try ≤ 1 " in message
    assert panel.plots.log_scale.isChecked()  # 0.9 to 1e17: more than 10³ apart
    kept = len(panel.run.trainer.history)
    assert kept == 2 and panel.plots.point_count() == kept
    assert panel.plots._diverged_marker is not None
    record = panel.runs.last
    assert record.diverged and record.stopped_reason in message


def test_invalid_hidden_layers_disable_train_with_the_reason(qtbot, panel):
    assert panel.train_button.isEnabled()
    tabs = panel.form.tabs
    tab_bar = tabs.tabBar()
    qtbot.mouseClick(tab_bar, LEFT, pos=tab_bar.tabRect(1).center())  # the Model tab
    assert tabs.currentIndex() == 1
    type_into(qtbot, panel.form.hidden, "16, x")
    assert not panel.train_button.isEnabled() and not panel.step_button.isEnabled()
    assert "'x' is not a whole number" in panel.form.error_text("hidden")
    assert panel.form.findChild(type(panel.message), "hidden_error").isVisible()
    assert "Can't train: hidden layers" in panel.message_text()
    assert "hidden layers" in panel.train_button.toolTip()
    assert tabs.tabText(1) == "Model ⚠" and tabs.tabText(0) == "Data"
    type_into(qtbot, panel.form.hidden, "16, 8")
    assert tabs.tabText(1) == "Model"
    assert panel.train_button.isEnabled()
    assert panel.form.error_text("hidden") == "" and panel.message_text() == ""


def test_other_bad_settings_are_flagged_at_their_field(qtbot, panel, tmp_path):
    type_into(qtbot, panel.form.lr, "fast")
    assert "not a number" in panel.form.error_text("lr")
    type_into(qtbot, panel.form.lr, "0.1")
    choose(panel.form.dataset, "spiral")
    set_spin(qtbot, panel.form.n_classes, 3)
    assert "use cross_entropy" in panel.form.error_text("loss")
    assert not panel.train_button.isEnabled()
    choose(panel.form.loss, "cross_entropy")
    assert panel.train_button.isEnabled()
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,a\n3,oops,b\n")
    choose(panel.form.dataset, "csv")
    type_into(qtbot, panel.form.csv_path, str(bad))
    assert "line 3" in panel.form.error_text("csv_path")
    assert not panel.train_button.isEnabled()
    good = tmp_path / "good.csv"
    good.write_text("x,y,label\n" + "".join(
        f"{i % 7},{i % 5},{'ab'[i % 2]}\n" for i in range(20)))
    type_into(qtbot, panel.form.csv_path, str(good))
    assert panel.form.error_text("csv_path") == ""
    assert panel.train_button.isEnabled()
    assert panel.form.preview.point_count() == 20


# --- presets, the network graph, export ----------------------------------------------------


def test_lecture_preset_drives_the_loss_below_001(qtbot, panel):
    click(qtbot, panel.lecture_button)
    c = panel.config()
    assert (c.dataset, c.hidden, c.activation, c.loss, c.lr) == (
        "lecture", (4, 4), "tanh", "sse", 0.1)
    train_to_end(qtbot, panel)
    assert panel.run.trainer.history[-1].loss < 0.01
    assert panel.plots._bars is not None  # 3 inputs: outputs per sample instead of a map
    heights = [r.get_height() for r in panel.plots._bars]
    np.testing.assert_allclose(heights, panel.snapshot.outputs(panel.run.trainer.train_set.X)[:, 0])


def test_network_graph_has_the_trainers_grads(qtbot, panel):
    click(qtbot, panel.lecture_button)
    choose(panel.form.backend, "scalar")
    set_spin(qtbot, panel.form.steps, 7)
    train_to_end(qtbot, panel)
    set_spin(qtbot, panel.sample, 2)
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    doc = signal.args[0]
    assert isinstance(doc, GraphDocument)
    ev = evaluate(doc, backward=True)
    assert ev.ok() and ev.output == "loss"
    assert "Sample 2" in panel.message_text() and "shown by layer" in panel.message_text()

    trainer = panel.run.trainer  # its thread has ended: safe to use here
    model = trainer.model
    assert trainer.config.backend == "scalar"
    x, y = trainer.train_set.X[2], trainer.train_set.y[2]
    model.zero_grad()
    loss = LOSSES["sse"].fn([model(list(x))], [1.0 if y == 1 else -1.0])
    loss.backward()
    names = []
    for k, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons, start=1):
            names += [f"w{k}_{j}_{i}" for i in range(1, len(neuron.w) + 1)] + [f"b{k}_{j}"]
    grads = [p.grad for p in model.parameters()]
    assert len(names) == len(grads) == 41
    np.testing.assert_allclose([ev.results[n].grad for n in names], grads, rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(ev.results["loss"].data, loss.data, rtol=1e-12)


def test_a_big_network_is_shown_whole_at_the_chosen_level(qtbot, panel):
    """No cut-off: the untrained demo net (2-16-16-1, 1,000 scalars for one sample) opens by
    layer, and by neuron when the learner chooses that."""
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    doc = signal.args[0]
    assert len(doc) > 900
    nodes, groups = doc.children(None)
    assert groups == ["g_layer1", "g_layer2", "g_layer3", "g_loss"]
    assert sorted(doc.label(n) for n in nodes) == ["1/n", "loss", "x1", "x2"]
    assert "shown by layer" in panel.message_text()
    choose(panel.level, "neurons")
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    nodes, groups = signal.args[0].children(None)
    assert len(nodes) == 4 and len(groups) == 16 + 16 + 1 + 1
    assert "shown by neuron" in panel.message_text()
    choose(panel.level, "scalars")
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    assert not signal.args[0].groups()


def test_the_whole_batch_shows_every_samples_graph_and_the_mean_loss(qtbot, panel):
    click(qtbot, panel.lecture_button)
    train_to_end(qtbot, panel)
    assert panel.sample.isEnabled()
    qtbot.mouseClick(panel.network_batch, LEFT)
    assert panel.network_batch.isChecked() and not panel.sample.isEnabled()
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    doc = signal.args[0]  # by layer: in tensor ops, X holding every sample
    train = panel._run_train
    ev = evaluate(doc, backward=True)
    outs = panel.snapshot.outputs(train.X)[:, 0]
    targets = np.where(train.y == 1, 1.0, -1.0)
    assert ev.results["loss"].data == pytest.approx(np.sum((outs - targets) ** 2), rel=1e-12)
    np.testing.assert_allclose(ev.results["out"].data[:, 0], outs, rtol=1e-12)
    assert f"The whole batch of {len(train)} samples in tensor ops" in panel.message_text()
    choose(panel.level, "scalars")  # every scalar: one graph per sample
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    ev = evaluate(signal.args[0], backward=True)
    assert [ev.results[f"out_s{s}"].data for s in range(len(train))] == pytest.approx(outs)
    assert f"The whole batch of {len(train)} samples, " in panel.message_text()


def test_the_demo_batch_by_neuron_is_refused_in_words_and_by_layer_shown(qtbot, panel):
    """2-16-16-1 over the demo's 80 training samples: 52,000 scalars, too many for the canvas;
    by layer the batch is in tensor ops."""
    qtbot.mouseClick(panel.network_batch, LEFT)
    choose(panel.level, "neurons")
    with qtbot.assertNotEmitted(panel.show_graph_requested):
        click(qtbot, panel.show_button)
    text = panel.message_text()
    assert "No network to show: the whole batch as scalars would be about" in text
    assert "show it by layer (in tensor ops), or one sample" in text
    choose(panel.level, "layers")
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    assert len(signal.args[0]) < 250 and "in tensor ops" in panel.message_text()


def test_show_network_skips_a_sample_whose_loss_is_zero_unless_chosen(qtbot, panel):
    """70 steps into the demo, sample 0 sits past the hinge's margin: its graph would show 0 for
    every grad. Left at its default, the panel shows the next sample with a loss and says why;
    a sample the learner picks is shown as it is. After 100 steps every sample is past it."""
    from playground.training.network import network_graph

    panel.speed.setCurrentIndex(panel.speed.count() - 1)  # as fast as possible
    set_spin(qtbot, panel.form.steps, 70)
    train_to_end(qtbot, panel)
    snap, train, loss = panel.snapshot, panel._run_train, panel._run_config.loss
    losses = [network_graph(snap, train.X[k], int(train.y[k]), loss).root.data
              for k in range(len(train))]  # each sample's own scalar graph
    assert losses[0] == 0.0 and any(losses), "precondition of this seed and step count"
    first = next(k for k, v in enumerate(losses) if v != 0)
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    ev = evaluate(signal.args[0], backward=True)
    assert ev.results["loss"].data == pytest.approx(losses[first], rel=1e-12)
    assert panel.sample.value() == first
    assert "sample 0's loss is exactly 0" in panel.message_text()
    set_spin(qtbot, panel.sample, 0)  # the learner asks for sample 0: that is what they get
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000) as signal:
        click(qtbot, panel.show_button)
    assert evaluate(signal.args[0], backward=True).results["loss"].data == 0.0
    assert panel.sample.value() == 0 and "every grad is 0" in panel.message_text()


def test_show_network_after_the_demo_says_every_sample_is_past_the_margin(qtbot, panel):
    panel.speed.setCurrentIndex(panel.speed.count() - 1)
    train_to_end(qtbot, panel)
    with qtbot.waitSignal(panel.show_graph_requested, timeout=5000):
        click(qtbot, panel.show_button)
    assert panel.sample.value() == 0
    assert "every sample is past the margin" in panel.message_text()


def follow(qtbot, panel, every: int) -> list[tuple[int, GraphDocument, ModelSnapshot]]:
    """Tick "follow training, every N steps", show the network; the list fills with (step,
    graph, weights) for each refresh the panel sends."""
    qtbot.mouseClick(panel.follow, LEFT)
    assert panel.follow.isChecked()
    set_spin(qtbot, panel.follow_every, every)
    click(qtbot, panel.show_button)
    refreshes: list[tuple[int, GraphDocument, ModelSnapshot]] = []
    panel.refresh_graph_requested.connect(
        lambda doc: refreshes.append((panel.snapshot.step, doc, panel.snapshot)))
    return refreshes


# N steps with Step, one at a time: each step is reported on its own, so the refreshes are
# exact. The first report refreshes at once (the shown graph may be of older weights), then
# every N steps after the last refresh.
@pytest.mark.parametrize(
    ("every", "expected"),
    [(5, [1, 6, 11, 16]), (1, list(range(1, 21))), (7, [1, 8, 15])],
)
def test_follow_training_refreshes_every_n_steps(qtbot, panel, every, expected):
    refreshes = follow(qtbot, panel, every)
    for k in range(1, 21):
        click(qtbot, panel.step_button)
        qtbot.waitUntil(lambda k=k: panel.snapshot is not None and panel.snapshot.step == k,
                        timeout=DONE_MS)
    qtbot.wait(100)  # a late or repeated report would show up here
    assert [step for step, _doc, _snap in refreshes] == expected
    assert len({id(doc) for _step, doc, _snap in refreshes}) == len(refreshes)
    for _step, doc, snap in refreshes:  # each graph holds the weights of its step
        assert isinstance(doc, GraphDocument)
        W, b = snap.weights[-1]  # the demo net is big: the output layer is shown
        assert doc.value("w3_1_1") == W[0, 0] and doc.value("b3_1") == b[0]
    assert panel.last_graph is refreshes[-1][1]


def test_follow_training_while_running_waits_n_steps_between_refreshes(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 100_000)  # MAX_STEPS: a run that outlasts the test
    refreshes = follow(qtbot, panel, 40)
    click(qtbot, panel.train_button)  # steps arrive in batches, every 50 ms
    qtbot.waitUntil(lambda: len(refreshes) >= 3, timeout=DONE_MS)
    click(qtbot, panel.pause_button)
    steps = [step for step, _doc, _snap in refreshes]
    assert all(b - a >= 40 for a, b in itertools.pairwise(steps)), steps
    panel.follow.setChecked(False)  # unticked: no more refreshes
    n = len(refreshes)
    click(qtbot, panel.train_button)
    at = panel.snapshot.step
    qtbot.waitUntil(lambda: panel.snapshot.step >= at + 100, timeout=DONE_MS)
    click(qtbot, panel.pause_button)
    assert len(refreshes) == n


def test_export_python_script_prints_the_trained_models_predictions(qtbot, panel, tmp_path):
    assert not panel.export_python_button.isEnabled()
    click(qtbot, panel.lecture_button)
    train_to_end(qtbot, panel)
    assert panel.export_python_button.isEnabled() and panel.export_torch_button.isEnabled()
    path = panel.export_script("python", tmp_path / "trained.py")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    scores = [float(line.split("\t")[1]) for line in out[:4]]
    trainer = panel.run.trainer
    np.testing.assert_allclose(scores, trainer.decision_function(trainer.train_set.X),
                               rtol=1e-12)
    assert out[-1] == "accuracy 4/4 = 1.0000"
    compile(panel.export_script_text("torch"), "torch_script", "exec")


def test_importing_the_panel_does_not_import_matplotlib():
    code = ("import sys, playground.ui.training.panel; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "False"
