"""The inspector dock: edit the selected node (label, value, op parameters) and read its
numbers at full precision."""
