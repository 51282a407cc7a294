"""Small Qt widgets and layouts shared by several rooms of the UI (no app logic)."""
