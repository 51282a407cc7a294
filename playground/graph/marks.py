"""The symbols the UI writes in front of a problem, in one place.

Each is a character DejaVu Sans has (the one font every Linux desktop here is sure to have; Qt
ships none): an emoji such as ⛔ would show as an empty box. ``tests/ui/window/test_glyphs.py``
checks every string the app shows against the app's font.
"""

ERROR_MARK = "✖"
"""Before an error: the node cannot be computed, a value does not parse."""
WARNING_MARK = "⚠"
"""Before a warning: a result is nan or inf."""
