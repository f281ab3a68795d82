"""Train the seed's iris classifier and export it to ONNX for Berth.

    python -m venv .venv && .venv/bin/pip install -r requirements.txt
    .venv/bin/python train.py        # writes model.onnx and reference.csv next to this file
    npx berth serve model.onnx

Same model as the tutorial (RandomForestClassifier, 100 trees, random_state 42, all 150 rows), but
exported with skl2onnx instead of pickled: Berth never loads pickles. Deterministic: running it
again produces the same bytes.
"""

from pathlib import Path

import numpy as np
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier

HERE = Path(__file__).resolve().parent
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def main() -> None:
    iris = load_iris()
    X, y = iris.data, iris.target
    model = RandomForestClassifier(n_estimators=100, random_state=42).fit(X, y)

    # skl2onnx defaults: int64 output_label plus the ZipMap output_probability.
    onx = convert_sklearn(
        model, name="iris", initial_types=[("float_input", FloatTensorType([None, 4]))]
    )
    # skl2onnx lists opsets in set order, which varies between runs; sorting keeps the bytes stable.
    opsets = sorted(onx.opset_import, key=lambda o: (o.domain, o.version))
    del onx.opset_import[:]
    onx.opset_import.extend(opsets)
    (HERE / "model.onnx").write_bytes(onx.SerializeToString())

    # Training data as the drift reference profile: the feature columns plus the label name.
    lines = [",".join([*FEATURES, "species"])]
    for row, label in zip(X, y):
        lines.append(",".join([*(repr(float(v)) for v in row), str(iris.target_names[label])]))
    (HERE / "reference.csv").write_text("\n".join(lines) + "\n")

    accuracy = float(np.mean(model.predict(X.astype(np.float32)) == y))
    print(f"wrote model.onnx and reference.csv (training accuracy {accuracy:.3f})")


if __name__ == "__main__":
    main()
