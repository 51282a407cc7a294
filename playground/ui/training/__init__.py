"""The Training tab: settings, run controls, live plots, the network as a graph, export.

``tab.install(window)`` adds the tab; it makes ``panel.TrainingPanel`` the first time it is
shown (the panel pulls in the trainer, its plots import matplotlib). Nothing is imported here,
so importing one module of the room does not import the others.
"""
