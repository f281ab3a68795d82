"""Trains the scikit-learn models the Python peers serve, into the folder given (run in the seed's venv).

iris.joblib: the seed tutorial's train.py as written (RandomForestClassifier, 100 trees,
random_state=42, on the iris data). forest.joblib: the benchmark forest, made as its ONNX export in
test/fixtures/models/bench-forest was (500 trees, depth 8, make_classification 5000 x 50, 3 classes,
random_state=0). Every peer venv pins the same scikit-learn, so the files load the same everywhere.
"""
import sys
from pathlib import Path

import joblib
import numpy as np
from sklearn.datasets import load_iris, make_classification
from sklearn.ensemble import RandomForestClassifier

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)

X, y = load_iris(return_X_y=True)
joblib.dump(RandomForestClassifier(n_estimators=100, random_state=42).fit(X, y), out / "iris.joblib")

X, y = make_classification(n_samples=5000, n_features=50, n_informative=20, n_classes=3, random_state=0)
forest = RandomForestClassifier(n_estimators=500, max_depth=8, random_state=0, n_jobs=2).fit(X.astype(np.float32), y)
forest.n_jobs = 1  # serve as every peer does: one request's trees on one thread
joblib.dump(forest, out / "forest.joblib")
