"""Export the trained model: the two buttons under the run controls and what they write.

``ExportBox`` (objectName ``export_section``) is told the latest weights by its panel
(``set_model``) and writes them as a script that rebuilds the MLP with the engine, or as a
PyTorch one (``playground.training.export``). Export is off, saying why in the buttons'
tooltips, while there are no weights, the run diverged, or the weights (or the outputs they
give) are not finite numbers: such weights are not a model worth keeping.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.graph.io_text import encode_text
from playground.training.choices import Dataset
from playground.training.config import TrainConfig
from playground.training.export import ExportData, engine_script, torch_script
from playground.training.snapshot import ModelSnapshot
from playground.ui.training.controls import make_button

__all__ = ["EXPORT_TIPS", "ExportBox"]

EXPORT_TIPS = {
    "python": "Export a script that rebuilds this MLP with the engine, with its weights, and "
              "prints its predictions for the training data",
    "torch": "Export the same as a PyTorch nn.Sequential (float64) script",
}


class ExportBox(QWidget):
    """The export buttons; see the module docstring."""

    def __init__(self, say: Callable[..., None], parent: QWidget | None = None) -> None:
        """``say(text, kind)``: the panel's message under the plots."""
        super().__init__(parent)
        self.setObjectName("export_section")
        self._say = say
        self.snapshot: ModelSnapshot | None = None
        self._train: Dataset | None = None
        self._config: TrainConfig | None = None
        self._diverged = False
        self._settled = True
        self._checked: tuple[ModelSnapshot | None, bool, str] = (None, False, "")
        self.python_button = make_button(
            "export_model_python", "Python script…", EXPORT_TIPS["python"],
            lambda: self.export_dialog("python"))
        self.torch_button = make_button(
            "export_model_torch", "PyTorch script…", EXPORT_TIPS["torch"],
            lambda: self.export_dialog("torch"))
        ev = QVBoxLayout(self)
        ev.setContentsMargins(0, 4, 0, 0)
        ev.setSpacing(4)
        ev.addWidget(QLabel("<b>Export the trained model</b>"))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.python_button)
        buttons.addWidget(self.torch_button)
        ev.addLayout(buttons)

    def set_model(
        self,
        snapshot: ModelSnapshot | None,
        train: Dataset | None,
        config: TrainConfig | None,
        *,
        diverged: bool,
        settled: bool,
    ) -> None:
        """The weights to export (None: none yet), the data they were trained on, the run's
        settings; ``settled``: the run is not running (its outputs are worth checking)."""
        self.snapshot, self._train, self._config = snapshot, train, config
        self._diverged, self._settled = diverged, settled
        why_not = self.why_not()
        for kind, button in (("python", self.python_button), ("torch", self.torch_button)):
            button.setEnabled(not why_not)
            button.setToolTip(why_not or EXPORT_TIPS[kind])

    def why_not(self) -> str:
        """Why Export is off ("" when it is on)."""
        if self.snapshot is None:
            return "Train a model first: Export writes its weights"
        if self._train is not None and self._train.regression:
            # the scripts report classes and an accuracy; a fit would need its own report
            return "Export writes classifiers for now: this run fits numbers (a regression)"
        what = "the run diverged" if self._diverged else self._not_finite(self.snapshot)
        if what:
            return (f"Export is off: {what}, so these weights are not a model worth keeping. "
                    f"Lower the learning rate, Train again, then export.")
        return ""

    def _not_finite(self, snapshot: ModelSnapshot) -> str:
        """What is not a finite number about these weights ("" when all is well): the weights,
        or the outputs they give (a run stopped at loss 1e228 has finite weights near 1e172,
        whose outputs overflow). The outputs are checked once the run stops or pauses: a
        forward pass on every progress would cost the window's thread for nothing."""
        full = self._settled
        if self._checked[0] is snapshot and self._checked[1] >= full:
            return self._checked[2]
        why = ""
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in snapshot.weights):
            why = "some weights are inf or nan"
        elif full and self._train is not None:
            with np.errstate(all="ignore"):  # a sample of the data is enough
                out = snapshot.outputs(self._train.X[:256])
            if not np.isfinite(out).all():
                why = "the model's outputs overflow to inf or nan"
        self._checked = (snapshot, full, why)
        return why

    # --- writing ---------------------------------------------------------------------------

    def script_text(self, kind: str) -> str:
        """The script for the latest weights: ``kind`` "python" (engine) or "torch"."""
        if self.snapshot is None or self._train is None or self._config is None:
            raise RuntimeError("train a model first")
        c, train = self._config, self._train
        hidden = ", ".join(str(h) for h in c.hidden) or "none"
        title = (f"Data: {c.dataset}{' ' + c.csv_path if c.dataset == 'csv' else ''} "
                 f"(seed {c.seed}, {len(train)} training samples); hidden layers "
                 f"{hidden}; {c.loss} loss; {c.optimizer} lr {c.lr:g} ({c.schedule}).")
        data = ExportData(train.X, train.y, train.classes, title)
        make = engine_script if kind == "python" else torch_script
        return make(self.snapshot, data)

    def write_script(self, kind: str, path: str | Path) -> Path:
        path = Path(path)
        # a CSV path that is not UTF-8 is OSError's "cannot save", not a crash
        path.write_bytes(encode_text(self.script_text(kind), "the script"))
        return path

    def export_dialog(self, kind: str) -> Path | None:
        if self.why_not():
            return None
        default = "trained_mlp.py" if kind == "python" else "trained_mlp_torch.py"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the trained model", default, "Python scripts (*.py)"
        )
        if not path:
            return None
        try:
            out = self.write_script(kind, path)
        except OSError as exc:
            self._say(f"Could not write {path}: {exc}", "error")
            return None
        self._say(f"Wrote {out}: run it with python {out.name}", "info")
        return out
