"""Live plots of a run (each a SnapshotView, see ``playground/ui/views.py``)."""
