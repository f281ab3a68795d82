"""Conversion to ONNX with the converters made for each framework: skl2onnx for scikit-learn,
onnxmltools for XGBoost and LightGBM. Classifiers keep skl2onnx's ZipMap output (the graph then
names its own classes; Berth's runtime turns it into a [N, classes] tensor)."""

from .describe import walk
from .problems import ImportProblem, first_line, missing_module, root_cause
from .versions import version_of


def convert(loaded, description, precision):
    if loaded.framework == "sklearn":
        return convert_sklearn(loaded.model, description, precision)
    return convert_boosted(loaded, description, precision)


def sklearn_types(description, precision):
    try:
        from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, StringTensorType
    except ImportError as error:
        raise missing_module(error, "converting a scikit-learn model") from error
    number = DoubleTensorType if precision == "double" else FloatTensorType
    if description.layout == "columns":
        return [(name, StringTensorType([None, 1]) if kind == "string" else number([None, 1])) for name, kind in zip(description.names, description.types)]
    return [("input", number([None, description.n_features]))]


def convert_sklearn(model, description, precision):
    initial_types = sklearn_types(description, precision)
    from skl2onnx import convert_sklearn as to_onnx
    from skl2onnx.common.exceptions import MissingConverter, MissingShapeCalculator

    target_opset = register_boosters(model)
    try:
        return to_onnx(unnamed_xgboost(model), initial_types=initial_types, name="berth_import", target_opset=target_opset)
    except (MissingShapeCalculator, MissingConverter) as error:
        raise ImportProblem("no-converter", estimator=unconvertible(error, model), converter="skl2onnx", detail=first_line(error)) from error
    except Exception as error:
        raise conversion_failed(error, description, "skl2onnx") from error


def unconvertible(error, model):
    """The class skl2onnx could not convert, from its message ("... for type '<class 'x.Y'>'")."""
    import re

    found = re.search(r"type '<class '([^']+)'>'", str(error)) or re.search(r"type '([^']+)'", str(error))
    return found.group(1).split(".")[-1] if found else type(model).__name__


def convert_boosted(loaded, description, precision):
    try:
        import onnxmltools
        from onnxmltools.convert.common.data_types import FloatTensorType
    except ImportError as error:
        raise missing_module(error, f"converting a{'n XGBoost' if loaded.framework == 'xgboost' else ' LightGBM'} model") from error
    if precision == "double":
        raise ImportProblem("unsupported", estimator=description.estimator, detail="onnxmltools converts XGBoost and LightGBM models with float inputs only", way="leave --precision at its default")
    initial_types = [("input", FloatTensorType([None, description.n_features]))]
    model = loaded.model
    try:
        if loaded.framework == "xgboost":
            return onnxmltools.convert_xgboost(unnamed_xgboost(model), initial_types=initial_types, name="berth_import")
        return onnxmltools.convert_lightgbm(model, initial_types=initial_types, name="berth_import", zipmap=True)
    except Exception as error:
        raise conversion_failed(error, description, "onnxmltools") from error


def conversion_failed(error, description, converter):
    cause = root_cause(error)
    detail = f"{type(cause).__name__}: {first_line(cause)}"
    way = None
    protobuf = version_of("protobuf") or ""
    if "AttributeProto" in detail and protobuf.split(".")[0].isdigit() and int(protobuf.split(".")[0]) >= 7:
        way = f'protobuf {protobuf} is stricter than {converter} expects; install protobuf 6 there: python -m pip install "protobuf<7"'
    return ImportProblem("conversion-failed", estimator=description.estimator, converter=converter, detail=detail, way=way)


def register_boosters(model):
    """A scikit-learn pipeline with an XGBoost or LightGBM step: skl2onnx converts it with
    onnxmltools' converters, registered the way skl2onnx documents, at the ai.onnx.ml opset those
    converters write (3). None when there is no such step."""
    frameworks = {type(step).__module__.split(".")[0] for step in walk(model)}
    if not frameworks & {"xgboost", "lightgbm"}:
        return None
    try:
        from skl2onnx import update_registered_converter
        from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes, calculate_linear_regressor_output_shapes
    except ImportError as error:
        raise missing_module(error, "converting a scikit-learn pipeline") from error
    try:
        if "xgboost" in frameworks:
            import xgboost
            from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost

            update_registered_converter(xgboost.XGBClassifier, "XGBoostXGBClassifier", calculate_linear_classifier_output_shapes, convert_xgboost, options={"nocl": [True, False], "zipmap": [True, False, "columns"]})
            update_registered_converter(xgboost.XGBRegressor, "XGBoostXGBRegressor", calculate_linear_regressor_output_shapes, convert_xgboost)
        if "lightgbm" in frameworks:
            import lightgbm
            from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm

            update_registered_converter(lightgbm.LGBMClassifier, "LightGbmLGBMClassifier", calculate_linear_classifier_output_shapes, convert_lightgbm, options={"nocl": [True, False], "zipmap": [True, False, "columns"]})
            update_registered_converter(lightgbm.LGBMRegressor, "LightGbmLGBMRegressor", calculate_linear_regressor_output_shapes, convert_lightgbm)
    except ImportError as error:
        raise missing_module(error, "converting a pipeline with an XGBoost or LightGBM step") from error
    from skl2onnx import __max_supported_opset__

    return {"": __max_supported_opset__, "ai.onnx.ml": 3}


def unnamed_xgboost(model):
    """onnxmltools reads split features as f0, f1…; a booster fitted on named columns says
    `petal_length` instead, so the converter gets a copy without the names (the columns keep
    their order, and berth.yaml keeps the names). The model, or its pipeline's steps."""
    import copy

    named = [step for step in walk(model) if hasattr(step, "get_booster") and step.get_booster().feature_names]
    if not named:
        return model
    clone = copy.deepcopy(model)
    for step in walk(clone):
        if hasattr(step, "get_booster"):
            step.get_booster().feature_names = None
    return clone
