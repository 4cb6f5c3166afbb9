"""Data sets, input features, target encodings, splits and CSV loading (NumPy only, no Qt).

>>> ds = make_dataset({"dataset": "spiral", "samples": 500, "noise": 0.1, "seed": 1})
>>> ds.x_train.shape, ds.problem
((250, 2), 'binary')
"""

from playground.data.csv_loader import CsvTable, load_csv
from playground.data.dataset import Dataset
from playground.data.encoding import class_indices, multi_hot, one_hot
from playground.data.errors import DataError
from playground.data.factory import make_dataset
from playground.data.features import FEATURE_FUNCS, feature_matrix
from playground.data.preprocess import Standardizer
from playground.data.registry import DATA_DEFAULTS, DATASETS, FEATURES, DatasetInfo
from playground.data.synthetic import GENERATORS

__all__ = [
    "DATASETS",
    "DATA_DEFAULTS",
    "FEATURES",
    "FEATURE_FUNCS",
    "GENERATORS",
    "CsvTable",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "Standardizer",
    "class_indices",
    "feature_matrix",
    "load_csv",
    "make_dataset",
    "multi_hot",
    "one_hot",
]
