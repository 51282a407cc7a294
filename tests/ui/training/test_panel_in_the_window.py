"""The training panel inside the main window: View > Training Panel, the network on the canvas."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from playground.engine.losses import LOSSES
from playground.ui.commands import SetValue

LEFT = Qt.MouseButton.LeftButton


def test_window_starts_without_the_panel_and_without_matplotlib():
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from playground.app import make_app\n"
        "from playground.ui.window.main_window import MainWindow\n"
        "app = make_app([])\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "tabs = w.centralWidget()\n"
        "print('matplotlib' in sys.modules, w.training.panel is None,"
        " not w.training.is_open() and tabs.count() == 1 and tabs.tabBar().isHidden())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_menu_action_shows_the_panel_and_the_network_lands_on_the_canvas(qtbot, window):
    action = window.action("show_training")
    assert action in window.findChild(QMenu, "menu_view").actions()
    action.trigger()
    qtbot.waitUntil(lambda: window.training.panel is not None)
    panel = window.training.panel
    assert panel.objectName() == "training_panel" and panel.isVisible()
    qtbot.waitUntil(lambda: panel.plots is not None)
    # a tab next to the canvas, with the whole width: the graph's docks step aside
    tabs = window.centralWidget()
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Graph", "Training"]
    assert tabs.currentWidget() is panel and not tabs.tabBar().isHidden()
    assert not window.inspector.isVisible() and not window.palette_dock.isVisible()
    qtbot.waitUntil(lambda: panel.width() >= window.width() - 20)

    qtbot.mouseClick(panel.lecture_button, LEFT)
    panel.form.steps.setValue(10)
    qtbot.mouseClick(panel.train_button, LEFT)
    qtbot.waitUntil(lambda: panel.run is not None and panel.run.state == "finished",
                    timeout=20_000)
    qtbot.mouseClick(panel.show_button, LEFT)
    # the window now holds the network's graph, evaluated with Backward
    doc, ev = window.doc, window.scene.evaluation
    assert "network" in window.windowTitle()
    assert "loss" in doc and ev is not None and ev.backward
    trainer = panel.run.trainer  # tensor backend: compare with the engine's scalar MLP
    scalar = panel.snapshot.scalar_mlp()  # holding the trained weights
    x, y = trainer.train_set.X[0], trainer.train_set.y[0]
    loss = LOSSES["sse"].fn([scalar(list(x))], [1.0 if y == 1 else -1.0])
    loss.backward()
    first = scalar.layers[0].neurons[0]
    np.testing.assert_allclose(ev.results["w1_1_1"].grad, first.w[0].grad, rtol=1e-12)
    np.testing.assert_allclose(ev.results["b1_1"].grad, first.b.grad, rtol=1e-12)
    # it opens by layer: the top shows the inputs, a card per layer, the loss's steps and loss
    scene = window.scene
    assert scene.scope is None and scene.node_item("w1_1_1") is None
    layer1 = scene.card_for("w1_1_1")
    assert layer1 is not None and layer1.node_id == "g_layer1"
    assert scene.card_for("h1_4") is layer1
    assert scene.node_item("loss") is not None and scene.node_item("x1") is not None
    # the canvas is shown, at full height, the docks are back, and the numbers read
    assert tabs.currentWidget() is window.view and window.view.isVisible()
    assert window.inspector.isVisible() and window.palette_dock.isVisible()
    assert window.view.viewport().height() > 0.75 * window.height()
    qtbot.wait(20)
    assert window.view.zoom() >= 0.7
    loss = scene.node_item("loss").sceneBoundingRect()
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert seen.contains(loss)  # where Backward starts
    # a double-click on the Layer 1 card opens it: a card per neuron
    window.view.centerOn(layer1)
    at = window.view.mapFromScene(layer1.sceneBoundingRect().center())
    vp = window.view.viewport()
    QTest.mousePress(vp, LEFT, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseRelease(vp, LEFT, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseDClick(vp, LEFT, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseRelease(vp, LEFT, Qt.KeyboardModifier.NoModifier, at)
    qtbot.waitUntil(lambda: scene.scope == "g_layer1")
    assert sorted(c.node_id for c in scene.group_cards()) == [f"g_l1_n{j}" for j in range(1, 5)]
    assert scene.card_for("w1_1_1").node_id == "g_l1_n1"
    # following training replaces the network: the learner stays inside the layer they opened
    assert window.training.refresh_graph(panel.build_network_document())
    assert scene.scope == "g_layer1" and scene.card_for("w1_1_1").node_id == "g_l1_n1"
    scene.set_scope(None)

    # an edit makes it the user's graph: following training no longer replaces it
    assert window.training.refresh_graph(panel.build_network_document())
    window.undo_stack.push(SetValue(window.doc, "x1", 5.0))
    assert not window.training.refresh_graph(panel.build_network_document())
