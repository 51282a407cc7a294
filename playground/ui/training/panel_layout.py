"""The training panel's widgets and their layout, split from ``panel.py``.

``build_panel(panel)`` makes the presets, the form, the run controls, the message area, the
network tools and the export box (the left column), the plot holder with the table of runs
under it (the right column), and sets them on the panel under the names the panel, the tab and
the tests use. The plots themselves are made later (``TrainingPanel.ensure_plots``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from playground.ui.training.controls import RunControls, make_button
from playground.ui.training.export import ExportBox
from playground.ui.training.form import TrainingForm
from playground.ui.training.message import TrainingMessage
from playground.ui.training.network_view import NetworkView
from playground.ui.training.run_compare import RunCompare
from playground.ui.training.run_table import RunTable


def build_panel(panel: Any) -> None:
    """``panel``: the ``TrainingPanel`` being made (not imported: panel.py imports this)."""
    panel.form = TrainingForm()
    presets = QHBoxLayout()
    presets.setSpacing(4)
    panel.demo_button = make_button("preset_demo", "micrograd demo",
                                    "micrograd's demo: moons, MLP 2-16-16-1, SVM loss + L2, "
                                    "100 steps, lr 1.0 -> 0.1", panel.apply_demo_preset)
    panel.lecture_button = make_button(
        "preset_lecture", "Lecture MLP(3,[4,4,1])",
        "The lecture's network: the 4 samples, MLP(3, [4, 4, 1]) with tanh, sum of squared "
        "errors, lr 0.1", panel.apply_lecture_preset)
    presets.addWidget(panel.demo_button)
    presets.addWidget(panel.lecture_button)

    panel.controls = RunControls(panel.train, panel.pause, panel.step, panel.reset)
    c = panel.controls  # its widgets by their old names (the tests and the tab use them)
    panel.train_button, panel.pause_button = c.train_button, c.pause_button
    panel.step_button, panel.reset_button = c.step_button, c.reset_button
    panel.speed, panel.progress_bar, panel.status = c.speed, c.progress_bar, c.status
    panel.speed.currentIndexChanged.connect(panel._speed_changed)
    panel.messages = TrainingMessage()
    panel.message = panel.messages.label

    panel.network = NetworkView(panel._graph_source, panel._sample_data, panel._set_message)
    panel.network.shown.connect(panel.show_graph_requested)
    panel.network.refreshed.connect(panel.refresh_graph_requested)
    n = panel.network
    panel.sample, panel.sample_text, panel.level = n.sample, n.sample_text, n.level
    panel.network_batch = n.batch
    panel.show_button, panel.follow, panel.follow_every = n.show_button, n.follow, n.follow_every
    # export sits under the run controls (the left column), where there is room
    panel.export_box = ExportBox(panel._set_message)
    panel.export_python_button = panel.export_box.python_button
    panel.export_torch_button = panel.export_box.torch_button

    left = QWidget()
    left.setObjectName("training_left")
    lv = QVBoxLayout(left)
    lv.setContentsMargins(6, 6, 6, 6)
    lv.setSpacing(6)
    lv.addLayout(presets)
    lv.addWidget(panel.form, 1)
    lv.addWidget(panel.controls)
    lv.addWidget(panel.export_box)
    left.setMinimumWidth(270)

    panel.plot_holder = QWidget()
    panel.plot_holder.setObjectName("plot_holder")
    panel._plot_layout = QVBoxLayout(panel.plot_holder)
    panel._plot_layout.setContentsMargins(0, 0, 0, 0)
    panel._plot_placeholder = QLabel("The plots appear here.")
    panel._plot_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
    panel._plot_layout.addWidget(panel._plot_placeholder)

    panel.run_table = RunTable()
    panel.compare = RunCompare(panel.run_table, panel._load_record)
    panel.runs = panel.compare.runs  # every run that took a step, in order (see panel.py)
    panel.plot_split = panel.run_table.under(panel.plot_holder)

    right = QWidget()
    rv = QVBoxLayout(right)
    rv.setContentsMargins(0, 6, 6, 6)
    rv.setSpacing(6)
    rv.addWidget(panel.plot_split, 1)
    rv.addWidget(panel.messages.area())
    rv.addWidget(panel.network)

    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setObjectName("training_splitter")
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(0, 0)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([300, 700])
    splitter.setChildrenCollapsible(False)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
