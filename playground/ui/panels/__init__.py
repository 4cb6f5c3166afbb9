"""Control panels of the main window: data, hyperparameters, output layer."""
