"""The "Network as a graph" row under the training plots: the level (by layer, by neuron, every
scalar), one sample or the whole batch, the "Show network on canvas" button and "follow
training".

``NetworkView`` (objectName ``network_section``) asks its panel for the weights and the data
(``source``) and hands them to ``playground.training.network_levels.network_document``, which
chooses the sample, builds the graph and groups it for the level: the ``GraphDocument`` for the
canvas, ``shown`` when the learner asks, ``refreshed`` every N steps while following training.
The canvas opens at the top (a layer or neuron card opens with a double-click). Nothing here
computes a gradient: the window presses Backward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from playground.graph.document import GraphDocument
from playground.training.choices import Dataset
from playground.training.network_levels import network_document
from playground.training.snapshot import ModelSnapshot
from playground.ui.training.controls import make_button
from playground.ui.widgets.flow_layout import FlowLayout

__all__ = ["GraphSource", "NetworkView"]



@dataclass(frozen=True)
class GraphSource:
    """What to draw: weights, the training samples and the loss's name."""

    snapshot: ModelSnapshot
    train: Dataset
    loss: str
    live: bool
    """The weights are a run's (following counts steps from them), not a fresh model's."""


LEVELS = (("layers", "by layer"), ("neurons", "by neuron"), ("scalars", "every scalar"))


class NetworkView(QWidget):
    """The network-as-a-graph tools; see the module docstring."""

    shown = Signal(object)
    """A ``GraphDocument`` to show on the canvas (the learner asked)."""
    refreshed = Signal(object)
    """A fresher ``GraphDocument`` of the same network while following training."""

    def __init__(
        self,
        source: Callable[[], GraphSource | None],
        samples: Callable[[], Dataset | None],
        say: Callable[..., None],
        parent: QWidget | None = None,
    ) -> None:
        """``source()``: what to draw (None: nothing yet); ``samples()``: the data the sample
        box counts; ``say(text, kind, key=...)``: the panel's message under the plots."""
        super().__init__(parent)
        self.setObjectName("network_section")
        self._source = source
        self._samples = samples
        self._say = say
        self.graph_note = ""
        self.last_graph: GraphDocument | None = None
        self._last_followed = -1
        self._drawn: GraphSource | None = None
        self._sample_chosen = False  # the learner picked the sample: never pick another for them
        self.problem = ""
        """Why the last ``build_document`` gave nothing, in a sentence."""

        self.sample = QSpinBox()
        self.sample.setObjectName("network_sample")
        self.sample.setAccessibleName("Sample")
        self.sample.setToolTip("Which training sample flows through the graph")
        self.sample.valueChanged.connect(self._update_sample_text)
        self.sample.valueChanged.connect(self._on_sample_changed)
        self.sample_text = QLabel()
        self.sample_text.setObjectName("network_sample_text")
        self.sample_text.setMinimumWidth(60)
        self.level = QComboBox()
        self.level.setObjectName("network_level")
        self.level.setAccessibleName("Level")
        for data, text in LEVELS:
            self.level.addItem(text, data)
        self.level.setToolTip(
            "by layer: one card per layer (double-click one for its neurons); by neuron: one "
            "card per neuron (double-click one for its weights, products and sums); every "
            "scalar: every Value, as micrograd's draw_dot")
        self.batch = QCheckBox("whole batch")
        self.batch.setObjectName("network_batch")
        self.batch.setToolTip("Every training sample's graph, sharing the weights, and the loss "
                              "over them all, as training computes it (instead of one sample)")
        self.batch.toggled.connect(self._on_batch_toggled)
        self.show_button = make_button(
            "show_network", "Show network on canvas",
            "Build the MLP's scalar computation graph (this sample, or the whole batch), loss "
            "included, and show it on the canvas at the chosen level with every data and grad",
            self.show_network)
        self.follow = QCheckBox("follow training, every")
        self.follow.setObjectName("network_follow")
        self.follow.setToolTip("While training, refresh the shown network every N steps")
        self.follow_every = QSpinBox()
        self.follow_every.setObjectName("network_follow_every")
        self.follow_every.setRange(1, 100_000)
        self.follow_every.setValue(10)
        self.follow_every.setSuffix(" steps")
        # Groups that flow: one row in a wide window, wrapped in a narrow one (two fixed rows
        # made the panel at least 500 px wide here, and the window with it).
        flow = FlowLayout(spacing=10, row_spacing=4)
        flow.addWidget(QLabel("<b>Network as a graph</b>"))
        flow.addWidget(group(QLabel("show"), self.level))
        flow.addWidget(group(QLabel("sample"), self.sample, self.sample_text, self.batch))
        flow.addWidget(self.show_button)
        flow.addWidget(group(self.follow, self.follow_every))
        self.setLayout(flow)

    # --- the sample -----------------------------------------------------------------------

    def update_range(self) -> None:
        """The sample box counts the samples ``samples()`` gives now."""
        data = self._samples()
        with QSignalBlocker(self.sample):  # a clamped value is not the learner's choice
            self.sample.setRange(0, max(0, len(data) - 1) if data is not None else 0)
        self._update_sample_text()

    def _update_sample_text(self) -> None:
        train = self._samples()
        i = self.sample.value()
        if train is None or not 0 <= i < len(train):
            self.sample_text.setText("")
            return
        x = ", ".join(f"{v:.2f}" for v in train.X[i][:4])
        more = ", …" if train.n_features > 4 else ""
        what = (f"y = {train.y[i]:.3g}" if train.regression
                else f"class {train.classes[int(train.y[i])]}")
        self.sample_text.setText(f"x = ({x}{more}), {what}")

    def _on_sample_changed(self, _value: int) -> None:
        self._sample_chosen = True

    def _on_batch_toggled(self, on: bool) -> None:
        # the whole batch has no one sample: the box and its text say nothing then
        self.sample.setEnabled(not on)
        self.sample_text.setEnabled(not on)

    # --- the graph ------------------------------------------------------------------------

    def build_document(self) -> GraphDocument | None:
        """The network's graph at the chosen level, for the chosen sample or the whole batch
        (None when there is no model or data, or the graph would be too big: ``problem``
        says why)."""
        self.problem = ""
        source = self._source()
        if source is None:
            self.problem = "No network to show: fix the settings first."
            return None
        self._drawn = source
        train = source.train
        try:
            shown = network_document(
                source.snapshot, train.X, train.y, source.loss,
                level=self.level.currentData(),
                sample=None if self.batch.isChecked() else self.sample.value(),
                chosen=self._sample_chosen,
            )
        except ValueError as exc:
            self.problem = f"No network to show: {exc}."
            return None
        if not shown.batch and shown.samples[0] != self.sample.value():
            with QSignalBlocker(self.sample):  # our pick, not the learner's
                self.sample.setValue(shown.samples[0])
            self._update_sample_text()
        self.graph_note = shown.note
        return shown.doc

    def show_network(self) -> GraphDocument | None:
        doc = self.build_document()
        if doc is None:
            self._say(self.problem, "error")
            return None
        self.last_graph = doc
        self._say(self.graph_note, "info", key="graph")
        if self._drawn is not None and self._drawn.live:
            self._last_followed = self._drawn.snapshot.step
        self.shown.emit(doc)
        return doc

    def restart(self) -> None:
        """A new run: follow it from its first step."""
        self._last_followed = -1

    def follow_step(self, step: int) -> None:
        """Send a fresher graph if following and N steps have passed since the last one."""
        if not self.follow.isChecked() or self.last_graph is None:
            return
        every = self.follow_every.value()
        if self._last_followed >= 0 and step - self._last_followed < every:
            return
        doc = self.build_document()
        if doc is not None:
            self._last_followed = step
            self.last_graph = doc
            self.refreshed.emit(doc)


def group(*widgets: QWidget) -> QWidget:
    """Widgets side by side that wrap as one (a label stays with its field)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for w in widgets:
        row.addWidget(w)
    return box
