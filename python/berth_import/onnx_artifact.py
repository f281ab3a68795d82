"""An already-exported .onnx file: no conversion; parity compares Berth's runtime with onnxruntime
in this Python, the runtime the exporters check their output against."""

from .describe import Description
from .problems import ImportProblem, first_line, missing_module


def open_session(path):
    try:
        import onnxruntime
    except ImportError as error:
        raise missing_module(error, "checking an .onnx file against onnxruntime") from error
    try:
        return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    except Exception as error:
        raise ImportProblem("load-failed", framework="onnxruntime", detail=first_line(error)) from error


def describe_onnx(session):
    inputs = session.get_inputs()
    outputs = session.get_outputs()
    if len(inputs) == 1 and len(inputs[0].shape) == 2 and isinstance(inputs[0].shape[1], int):
        width = inputs[0].shape[1]
        kind = "string" if inputs[0].type == "tensor(string)" else "float"
        layout, names, types = "tabular", None, [kind] * width
    else:
        layout, names = "columns", [i.name for i in inputs]
        types = ["string" if i.type == "tensor(string)" else "float" for i in inputs]
    label = next((o for o in outputs if len(o.shape or []) == 1 and o.type in ("tensor(int64)", "tensor(string)")), None)
    kind = "classifier" if label is not None and len(outputs) >= 2 else "regressor"
    return Description(kind, "ONNX model", len(types), names, types, layout, None, [True] * len(types))


def predict_onnx(session, description, rows):
    import numpy as np

    inputs = session.get_inputs()
    feeds = {}
    if description.layout == "tabular":
        dtype = np.float64 if inputs[0].type == "tensor(double)" else np.float32
        feeds[inputs[0].name] = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=dtype)
    else:
        for j, spec in enumerate(inputs):
            column = [row[j] for row in rows]
            if spec.type == "tensor(string)":
                data = np.array(column, dtype=object)
            else:
                data = np.array([np.nan if v is None else v for v in column], dtype=np.float64 if spec.type == "tensor(double)" else np.float32)
            feeds[spec.name] = data.reshape(-1, 1) if len(spec.shape) == 2 else data
    try:
        results = session.run(None, feeds)
    except Exception as error:
        raise ImportProblem("predict-failed", estimator="ONNX model", detail=first_line(error)) from error
    names = [o.name for o in session.get_outputs()]
    by_name = dict(zip(names, results))
    if description.kind == "regressor":
        values = np.asarray(results[0], dtype=np.float64)
        return {"values": [[float(x) for x in r] for r in values] if values.ndim == 2 else [float(x) for x in values]}, None
    label_name = next(o.name for o in session.get_outputs() if len(o.shape or []) == 1 and o.type in ("tensor(int64)", "tensor(string)"))
    proba_name = next(n for n in names if n != label_name)
    proba = by_name[proba_name]
    if isinstance(proba, list):  # ZipMap: one {class: probability} per row, in the graph's class order
        classes = list(proba[0].keys()) if proba else []
        matrix = [[float(row[c]) for c in classes] for row in proba]
    else:
        matrix = [[float(x) for x in row] for row in np.asarray(proba, dtype=np.float64)]
        classes = list(range(len(matrix[0]) if matrix else 0))
    labels = [v.item() if hasattr(v, "item") else v for v in by_name[label_name]]
    return {"labels": labels, "probabilities": matrix}, [c.item() if hasattr(c, "item") else c for c in classes]
