"""No text on the training plots overlaps another, measured with the renderer's boxes.

The bug this guards: a linear loss axis over a diverged run's 1e8 got matplotlib's offset text
("1e8") above the axis, printed over the "loss" title. Titles, tick labels, the legend, the
divergence note and the "step" label are all checked, pair by pair, in the situations that
crowd the plots: a diverged run (log scale by itself, then linear by the learner's hand),
runs compared, the lecture (bars), a 1-D fit, and a small window.
"""

from __future__ import annotations

import itertools

import pytest
from matplotlib.text import Text
from PySide6.QtCore import Qt

from tests.ui.training.test_panel import DONE_MS, set_spin, train_to_end, type_into

LEFT = Qt.MouseButton.LeftButton


def drawn_texts(figure) -> list[tuple[Text, object]]:
    """(text, window box) of every piece of text a full draw puts on screen: tick labels only
    for ticks inside the axis's view (matplotlib keeps others, unseen)."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    tick_labels: set[Text] = set()
    shown: list[Text] = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            span = hi - lo
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                tick_labels.update((tick.label1, tick.label2))
                inside = lo - 1e-9 * span <= tick.get_loc() <= hi + 1e-9 * span
                if inside and tick.get_visible():
                    shown += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    for t in figure.findobj(Text):
        if t not in tick_labels and t.get_visible() and (t.axes is None or
                                                         t.axes.get_visible()):
            shown.append(t)
    out = []
    for t in shown:
        if not t.get_text().strip():
            continue
        box = t.get_window_extent(renderer)
        if box.width >= 1 and box.height >= 1:
            out.append((t, box))
    return out


def overlaps(figure) -> list[tuple[str, str]]:
    pairs = []
    for (a, box_a), (b, box_b) in itertools.combinations(drawn_texts(figure), 2):
        if box_a.shrunk(0.98, 0.9).overlaps(box_b.shrunk(0.98, 0.9)):
            pairs.append((a.get_text(), b.get_text()))
    return pairs


def test_the_check_sees_an_overlap_when_there_is_one(qtbot, panel):
    plots = panel.plots
    title = next(t for t, _ in drawn_texts(plots.figure) if t.get_text() == "loss")
    plots.ax_loss.text(*title.get_position(), "on top", transform=title.get_transform(),
                       fontsize=9)
    assert ("loss", "on top") in overlaps(plots.figure) or (
        "on top", "loss") in overlaps(plots.figure)


def test_a_diverged_run_writes_nothing_over_anything(qtbot, panel):
    type_into(qtbot, panel.form.lr, "1000")
    train_to_end(qtbot, panel)
    plots = panel.plots
    assert plots.ax_loss.get_yscale() == "log"
    texts = [t.get_text() for t, _ in drawn_texts(plots.figure)]
    assert any(t.startswith("diverged: loss 1.01e+08") for t in texts)
    assert overlaps(plots.figure) == []
    # the learner unticks Log-scale: a linear axis up to 1e8, ticks with their own exponent
    qtbot.mouseClick(plots.log_scale, LEFT)
    assert plots.ax_loss.get_yscale() == "linear"
    assert plots.ax_loss.yaxis.get_offset_text().get_text() == ""
    assert any("e+0" in t.get_text() for t in plots.ax_loss.get_yticklabels())
    assert overlaps(plots.figure) == []


def test_runs_compared_write_nothing_over_anything(qtbot, panel):
    set_spin(qtbot, panel.form.steps, 40)
    for lr in ("1", "0.1", "1000", "0.3"):
        type_into(qtbot, panel.form.lr, lr)
        train_to_end(qtbot, panel)
    assert len(panel.runs) == 4
    assert overlaps(panel.plots.figure) == []
    panel.resize(900, 560)
    qtbot.wait(50)
    assert overlaps(panel.plots.figure) == []


@pytest.mark.parametrize("preset", ["lecture", "sine"])
def test_the_presets_write_nothing_over_anything(qtbot, panel, preset):
    if preset == "lecture":
        qtbot.mouseClick(panel.lecture_button, LEFT)
    else:
        panel.form.set_config(panel.config().preset("sine", steps=200))
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=DONE_MS)
    assert overlaps(panel.plots.figure) == []
