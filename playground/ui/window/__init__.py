"""The main window's room: the window itself, its menus and actions, files and exports,
autosave and crash recovery, the error handler, the palette dock and the icons."""
