"""Where the bundled resources live, and the example graphs among them.

The repository keeps ``resources/`` at the top level; the wheel (hatchling ``force-include``)
and the PyInstaller bundle map it to ``playground/resources``. ``resource_path`` finds it
either way: inside the package through ``importlib.resources`` when it is there, else the
source checkout's ``resources/`` next to the package (an editable install). Never relative to
the current directory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

EXAMPLES = "examples"


def _resources_root() -> Path:
    packaged = Path(str(resources.files("playground") / "resources"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. ``resource_path("examples", "neuron.json")``.

    The file may not exist (check it); the folder it would be in is the right one.
    """
    return _resources_root().joinpath(*parts)


@dataclass(frozen=True)
class Example:
    name: str
    """File name without ``.json`` ("neuron")."""
    path: Path
    title: str
    """A readable name for menus ("Neuron")."""
    description: str


def example_path(name: str) -> Path:
    """The file of example ``name`` (with or without ``.json``); FileNotFoundError if absent."""
    file = name if name.endswith(".json") else f"{name}.json"
    path = resource_path(EXAMPLES, file)
    if not path.is_file():
        known = ", ".join(e.name for e in list_examples()) or "none"
        raise FileNotFoundError(f"no example {name!r} (there are: {known})")
    return path


def list_examples() -> list[Example]:
    """Every bundled example graph, sorted by name."""
    folder = resource_path(EXAMPLES)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.json")):
        title, description = path.stem.replace("_", " ").capitalize(), ""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            title = str(data.get("title") or title)
            description = str(data.get("description") or "")
        except (OSError, ValueError, AttributeError):
            pass  # listed anyway; opening it will report the problem
        out.append(Example(path.stem, path, title, description))
    return out
