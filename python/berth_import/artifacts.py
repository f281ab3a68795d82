"""Loading an artifact: a pickle or joblib file (which runs code), an XGBoost or LightGBM model file,
or an ONNX file (which is only read by onnxruntime, for parity)."""

import pickle
import warnings

from .problems import ImportProblem, first_line, missing_module


class Loaded:
    """What was in the file: the model object and the framework it belongs to."""

    def __init__(self, framework, model, warnings_seen=()):
        self.framework = framework
        self.model = model
        self.warnings = list(warnings_seen)


def load_artifact(path, kind):
    if kind == "onnx":
        return Loaded("onnx", path)
    if kind == "xgboost":
        return Loaded("xgboost", load_xgboost(path))
    if kind == "lightgbm":
        return Loaded("lightgbm", load_lightgbm(path))
    return classify(*unpickle(path))


def unpickle(path):
    """joblib.load reads joblib files and plain pickles alike; without joblib, pickle does."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            try:
                import joblib
            except ImportError:
                with open(path, "rb") as handle:
                    obj = pickle.load(handle)
            else:
                obj = joblib.load(path)
        except ModuleNotFoundError as error:
            raise missing_module(error, "unpickling the artifact") from error
        except (pickle.UnpicklingError, EOFError, ValueError, KeyError, IndexError, TypeError) as error:
            raise ImportProblem("not-a-pickle", detail=first_line(error)) from error
        except Exception as error:  # the artifact's own code failed while being unpickled
            raise ImportProblem("unpickle-failed", detail=f"{type(error).__name__}: {first_line(error)}") from error
    return obj, [version_warning(w) for w in seen if version_warning(w)]


def version_warning(record):
    """scikit-learn warns when a pickle was made by another version (the mismatch that breaks pickles
    loaded in a server); the report repeats it."""
    if type(record.message).__name__ == "InconsistentVersionWarning":
        message = record.message
        original = getattr(message, "original_sklearn_version", None)
        current = getattr(message, "current_sklearn_version", None)
        if original and current:
            return f"the model was pickled with scikit-learn {original} but this Python has {current}; its answers may differ from the trained model's (run berth import with the training environment's --python)"
    return None


def classify(obj, seen):
    """Which framework the unpickled object belongs to; anything else is not a model."""
    module = type(obj).__module__.split(".")[0]
    if module == "xgboost":
        import xgboost

        if isinstance(obj, xgboost.Booster):
            return Loaded("xgboost", wrap_xgboost_booster(obj), seen)
        return Loaded("xgboost", obj, seen)
    if module == "lightgbm":
        return Loaded("lightgbm", obj, seen)
    try:
        from sklearn.base import BaseEstimator
    except ImportError:
        BaseEstimator = None
    if BaseEstimator is not None and isinstance(obj, BaseEstimator):
        return Loaded("sklearn", obj, seen)
    what = f"{type(obj).__module__}.{type(obj).__qualname__}"
    keys = sorted(str(key) for key in obj.keys())[:10] if isinstance(obj, dict) else None
    raise ImportProblem("not-a-model", type=what, keys=keys)


def load_xgboost(path):
    try:
        import xgboost
    except ImportError as error:
        raise missing_module(error, "loading an XGBoost model") from error
    booster = xgboost.Booster()
    try:
        booster.load_model(path)
    except Exception as error:
        raise ImportProblem("load-failed", framework="XGBoost", detail=first_line(error)) from error
    return wrap_xgboost_booster(booster)


def wrap_xgboost_booster(booster):
    """A native Booster in the scikit-learn wrapper its objective implies: what onnxmltools
    converts, and what predicts labels and probabilities."""
    import json

    import xgboost

    objective = json.loads(booster.save_config())["learner"]["objective"]["name"]
    if objective == "multi:softmax":
        raise ImportProblem("unsupported", estimator=f"XGBoost objective {objective}", detail="it predicts classes without probabilities", way="train with objective multi:softprob (the same model, with probabilities)")
    if objective.startswith(("binary:", "multi:")):
        model = xgboost.XGBClassifier()
    elif objective.startswith(("reg:", "count:")):
        model = xgboost.XGBRegressor()
    else:
        raise ImportProblem("unsupported", estimator=f"XGBoost objective {objective}", detail="Berth imports classifiers and regressors", way="export a classifier (binary:logistic, multi:softprob) or a regressor (reg:*)")
    model.load_model(bytearray(booster.save_raw("json")))
    return model


def load_lightgbm(path):
    try:
        import lightgbm
    except ImportError as error:
        raise missing_module(error, "loading a LightGBM model") from error
    try:
        return lightgbm.Booster(model_file=path)
    except Exception as error:
        raise ImportProblem("load-failed", framework="LightGBM", detail=first_line(error)) from error
