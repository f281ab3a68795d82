"""The original model's answers on the parity rows: labels and probabilities, or values."""

from .problems import ImportProblem, first_line


def model_input(loaded, description, rows):
    """What the model was fitted on: a DataFrame when it knows its column names (a ColumnTransformer
    selects by name), else a float array. Values are the sample's own (float64), not the float32
    the ONNX model reads, so that rounding is part of what parity measures."""
    import numpy as np

    uses_frame = description.names is not None and loaded.framework in ("sklearn", "xgboost")
    columns = list(zip(*rows))
    if uses_frame:
        try:
            import pandas as pd
        except ImportError:
            uses_frame = False
        else:
            data = {}
            for name, kind, values in zip(description.names, description.types, columns):
                data[name] = np.array(values, dtype=object) if kind == "string" else np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            return pd.DataFrame(data, columns=description.names)
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


def predict(loaded, description, rows):
    import numpy as np

    X = model_input(loaded, description, rows)
    model = loaded.model
    try:
        if loaded.framework == "lightgbm" and not hasattr(model, "predict_proba"):
            return predict_lightgbm_booster(model, description, X)
        if description.kind == "regressor":
            return {"values": as_list(np.asarray(model.predict(X), dtype=np.float64))}
        labels = model.predict(X)
        out = {"labels": [plain(v) for v in np.asarray(labels).ravel()]}
        proba = probabilities(model, X)
        if proba is not None:
            out["probabilities"] = as_list(np.asarray(proba, dtype=np.float64))
        return out
    except ImportProblem:
        raise
    except Exception as error:
        raise ImportProblem("predict-failed", estimator=description.estimator, detail=f"{type(error).__name__}: {first_line(error)}") from error


def probabilities(model, X):
    """predict_proba when the model has it (an SVC trained without probability=True has not)."""
    try:
        method = model.predict_proba
    except AttributeError:
        return None
    return method(X)


def predict_lightgbm_booster(booster, description, X):
    import numpy as np

    raw = np.asarray(booster.predict(X), dtype=np.float64)
    if description.kind == "regressor":
        return {"values": as_list(raw)}
    proba = np.column_stack([1.0 - raw, raw]) if raw.ndim == 1 else raw
    classes = description.classes
    return {"labels": [plain(classes[i]) for i in proba.argmax(axis=1)], "probabilities": as_list(proba)}


def as_list(array):
    return [[float(x) for x in row] for row in array] if array.ndim == 2 else [float(x) for x in array]


def plain(value):
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (int, str, float)) else str(value)
