"""Neural Network Playground: a NumPy engine, its training loop, and a Qt window showing the inside.

Layers (dependencies point downward only): ``ui`` → ``training`` → ``engine``; ``data`` and ``io``
depend only on ``engine``. Everything but ``ui`` (and the GUI entry point) is free of Qt.
"""

__version__ = "0.1.0"
