"""The "Network as a graph" row under the training plots: which sample, what to show, the
"Show network on canvas" button and "follow training".

``NetworkView`` (objectName ``network_section``) asks its panel for the weights and the data
(``source``), hands them to ``playground.training.network.network_for_sample`` (which chooses
the sample, builds its graph and runs Backward) and turns the result into a ``GraphDocument``
for the canvas: ``shown`` when the learner asks, ``refreshed`` every N steps while following
training. Nothing here computes a gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from playground.graph.document import GraphDocument
from playground.training.choices import Dataset
from playground.training.network import network_for_sample
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


SCOPES = (("auto", "auto"), ("network", "whole network"), ("output_layer", "output layer + loss"))


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

        self.sample = QSpinBox()
        self.sample.setObjectName("network_sample")
        self.sample.setAccessibleName("Sample")
        self.sample.setToolTip("Which training sample flows through the graph")
        self.sample.valueChanged.connect(self._update_sample_text)
        self.sample.valueChanged.connect(self._on_sample_changed)
        self.sample_text = QLabel()
        self.sample_text.setObjectName("network_sample_text")
        self.sample_text.setMinimumWidth(60)
        self.scope = QComboBox()
        self.scope.setObjectName("network_scope")
        self.scope.setAccessibleName("What to show")
        for data, text in SCOPES:
            self.scope.addItem(text, data)
        self.scope.setToolTip("auto: the whole network up to 300 nodes; bigger ones are too "
                              "big to read, so auto then shows the output layer and the loss")
        self.show_button = make_button(
            "show_network", "Show network on canvas",
            "Build the MLP's scalar computation graph for this sample, loss included, "
            "and show it on the canvas with every data and grad", self.show_network)
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
        flow.addWidget(group(QLabel("show"), self.scope))
        flow.addWidget(group(QLabel("sample"), self.sample, self.sample_text))
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

    # --- the graph ------------------------------------------------------------------------

    def build_document(self) -> GraphDocument | None:
        """The network's graph for the chosen sample (None when there is no model or data)."""
        from playground.graph.from_value import from_value

        source = self._source()
        if source is None:
            return None
        self._drawn = source
        train = source.train
        shown = network_for_sample(
            source.snapshot, train.X, train.y, source.loss, self.sample.value(),
            chosen=self._sample_chosen, scope=self.scope.currentData(),
        )
        if shown.sample != self.sample.value():
            with QSignalBlocker(self.sample):  # our pick, not the learner's
                self.sample.setValue(shown.sample)
            self._update_sample_text()
        self.graph_note = shown.note
        return from_value(shown.graph.root)

    def show_network(self) -> GraphDocument | None:
        doc = self.build_document()
        if doc is None:
            self._say("No network to show: fix the settings first.", "error")
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
