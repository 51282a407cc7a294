"""View ▸ Theme: System, Light or Dark, remembered in the window's settings.

The one place a theme is applied is the application's palette. Everything else follows the
palette's change event: the canvas (its background, cards, wires, key and minimap:
``GraphView.follow_theme``), the inspector and teaching panels (their colours read the
palette), the toolbar's painted icons, the training plots and the learning-rate sweep window
(``training/plot_theme.py``), the data preview (``training/preview.py``) and the canvas's
message bubble (``canvas/bubble.py``).
Fusion draws a check box's edge from the Window colour made darker, invisible on a dark one:
the application's style is a ``ThemeStyle`` that draws a light edge there.
"System" puts back the palette the platform gave the application before any theme was chosen.
A theme is a preference, not an edit of the graph: it is not on the undo stack.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QMenuBar,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QWidget,
)


class MainWindow(Protocol):
    """What the theme needs of the window (the window imports this module)."""

    settings: QSettings

    def menuBar(self) -> QMenuBar: ...

THEME_KEY = "view/theme"
THEMES = ("system", "light", "dark")
_system: QPalette | None = None
"""The platform's palette, kept before the first theme replaces it."""
_style: QProxyStyle | None = None

_ROLES = QPalette.ColorRole
# Window and text greys chosen for a contrast of 4.5:1 or more between text and its ground.
_DARK = {
    _ROLES.Window: "#2b2d31", _ROLES.WindowText: "#e8e8e8", _ROLES.Base: "#1f2124",
    _ROLES.AlternateBase: "#292b2f", _ROLES.Text: "#e8e8e8", _ROLES.Button: "#34373c",
    _ROLES.ButtonText: "#e8e8e8", _ROLES.BrightText: "#ffffff", _ROLES.Highlight: "#3d7fd6",
    _ROLES.HighlightedText: "#ffffff", _ROLES.ToolTipBase: "#34373c",
    _ROLES.ToolTipText: "#e8e8e8", _ROLES.PlaceholderText: "#9098a1", _ROLES.Link: "#79b8ff",
    _ROLES.Light: "#4a4d52", _ROLES.Midlight: "#3c3f44", _ROLES.Mid: "#2f3135",
    _ROLES.Dark: "#18191b", _ROLES.Shadow: "#000000",
}
_LIGHT = {
    _ROLES.Window: "#efefef", _ROLES.WindowText: "#1a1a1a", _ROLES.Base: "#ffffff",
    _ROLES.AlternateBase: "#f5f5f5", _ROLES.Text: "#1a1a1a", _ROLES.Button: "#efefef",
    _ROLES.ButtonText: "#1a1a1a", _ROLES.BrightText: "#ffffff", _ROLES.Highlight: "#2f6fc4",
    _ROLES.HighlightedText: "#ffffff", _ROLES.ToolTipBase: "#ffffdc",
    _ROLES.ToolTipText: "#1a1a1a", _ROLES.PlaceholderText: "#6b6b6b", _ROLES.Link: "#0b5cad",
    _ROLES.Light: "#ffffff", _ROLES.Midlight: "#e3e3e3", _ROLES.Mid: "#b8b8b8",
    _ROLES.Dark: "#9f9f9f", _ROLES.Shadow: "#767676",
}


def palette(name: str) -> QPalette:
    """The palette of theme ``name`` ("system": the platform's)."""
    global _system
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if _system is None:
        _system = QPalette(app.palette())
    if name not in ("light", "dark"):
        return QPalette(_system)
    result = QPalette()
    for role, colour in (_DARK if name == "dark" else _LIGHT).items():
        result.setColor(role, QColor(colour))
    # Greyed-out text: readable, clearly quieter than the rest.
    quiet = QColor("#80858c" if name == "dark" else "#8c8c8c")
    for role in (_ROLES.WindowText, _ROLES.Text, _ROLES.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, quiet)
    return result


CHECK_BORDER_DARK = QColor("#8f959e")
"""A check box's edge on a dark ground: 4.5:1 against the dark Window colour. Fusion draws it
from the Window colour made darker, which on a dark theme left a borderless dark square."""
NATIVE_STYLES = ("windowsvista", "windows11", "macos")


class ThemeStyle(QProxyStyle):
    """The application's style (Fusion, or the platform's) with check boxes that show on a
    dark palette: a light edge drawn over the style's own indicator. Light palettes are
    drawn exactly as the style draws them."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        self.base_name = base.lower()

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if (element == QStyle.PrimitiveElement.PE_IndicatorCheckBox
                and option.palette.color(_ROLES.Window).lightness() < 128):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(CHECK_BORDER_DARK, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(option.rect).adjusted(0, 0, -1, -1))
            painter.restore()


def use_style(name: str = "system") -> None:
    """Make the application's style a ``ThemeStyle`` (once; again only if its base changes).

    ``make_app`` does it before any window exists; otherwise choosing a theme does. Not while a
    window is being built: a new style then re-polishes half-built widgets."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    current = app.style()
    base = (current.base_name if isinstance(current, ThemeStyle)
            else current.name().lower() or "fusion")
    # Native styles (Windows, macOS) paint their own colours and ignore a palette: Fusion
    # draws with it, so a chosen theme shows everywhere.
    if name != "system" and base in NATIVE_STYLES:
        base = "fusion"
    if not isinstance(current, ThemeStyle) or current.base_name != base:
        global _style
        _style = ThemeStyle(base)  # kept here too: Python must not collect what Qt paints with
        app.setStyle(_style)


def apply(name: str) -> None:
    """Give the application theme ``name``'s palette."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    chosen = palette(name)
    if name != "system":
        use_style(name)
    app.setPalette(chosen)


def chosen(window: MainWindow) -> str:
    name = str(window.settings.value(THEME_KEY, "system"))
    return name if name in THEMES else "system"


def install(window: MainWindow) -> QMenu:
    """View ▸ Theme, checked at the saved choice, which is applied now."""
    view = window.menuBar().findChild(QMenu, "menu_view")
    assert view is not None
    view.addSeparator()
    menu = view.addMenu("&Theme")
    menu.setObjectName("menu_theme")
    group = QActionGroup(menu)
    group.setExclusive(True)
    current = chosen(window)
    for name in THEMES:
        action = QAction(name.capitalize(), menu)
        action.setObjectName(f"theme_{name}")
        action.setCheckable(True)
        action.setChecked(name == current)
        action.setStatusTip({
            "system": "Colours as the system has them (light or dark)",
            "light": "Light colours: dark text on light cards and plots",
            "dark": "Dark colours: light text on dark cards and plots",
        }[name])
        action.triggered.connect(lambda _=False, n=name: choose(window, n))
        group.addAction(action)
        menu.addAction(action)
    if current != "system":
        apply(current)
    return menu


def choose(window: MainWindow, name: str) -> None:
    """The learner chose theme ``name``: apply it and remember it."""
    window.settings.setValue(THEME_KEY, name)
    window.settings.sync()
    apply(name)
