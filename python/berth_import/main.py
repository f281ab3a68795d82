"""One import: request on stdin → model.onnx and result.json in the request's work folder."""

import json
import os
import sys
import traceback

from .artifacts import load_artifact
from .problems import ImportProblem, first_line
from .versions import environment, version_of


def main():
    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        print(f"berth-import: the request on stdin is not JSON: {error}", file=sys.stderr)
        return 2
    work = request["work"]
    # The artifact may pickle classes from the user's own modules: find them as the training
    # script did, from the folder berth was started in and the artifact's folder.
    for folder in (os.getcwd(), os.path.dirname(request["artifact"])):
        if folder not in sys.path:
            sys.path.insert(0, folder)
    try:
        result = run(request)
    except ImportProblem as problem:
        result = {"ok": False, "problem": {"code": problem.code, **problem.facts}}
    except Exception as error:  # a fault of this helper: say what it was, keep the trace on stderr
        traceback.print_exc()
        result = {"ok": False, "problem": {"code": "helper-failed", "detail": f"{type(error).__name__}: {first_line(error)}"}}
    result["environment"] = environment()
    with open(os.path.join(work, "result.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, allow_nan=False, default=str)
    return 0


def run(request):
    loaded = load_artifact(request["artifact"], request["kind"])
    if loaded.framework == "onnx":
        return run_onnx(request)
    from .convert import convert
    from .describe import describe
    from .predict import predict

    description = describe(loaded)
    rows = parity_rows(request, loaded, description)
    if rows.get("names") and description.names is None:
        description.names = rows["names"]
    onx = convert(loaded, description, request["precision"])
    expected = predict(loaded, description, rows["rows"])
    save_onnx(onx, os.path.join(request["work"], "model.onnx"), request)
    return {
        "ok": True,
        "framework": framework_facts(loaded),
        "converter": converter_facts(loaded.framework),
        "description": description.as_json(),
        "rows": rows,
        "expected": expected,
        "warnings": loaded.warnings,
    }


def parity_rows(request, loaded, description):
    from .rows import generate_rows, read_sample

    if request.get("sample"):
        return read_sample(request["sample"], description, request.get("features"), request["maxSampleRows"])
    return generate_rows(loaded, description, request["generatedRows"], request["seed"], request["missingShare"])


def run_onnx(request):
    from .onnx_artifact import describe_onnx, open_session, predict_onnx
    from .rows import generate_rows, read_sample

    session = open_session(request["artifact"])
    description = describe_onnx(session)
    if request.get("sample"):
        rows = read_sample(request["sample"], description, request.get("features"), request["maxSampleRows"])
    elif "string" in description.types:
        raise ImportProblem("sample-needed", detail="the model takes text columns and an .onnx file keeps no training statistics")
    else:
        rows = generate_rows(Plain(), description, request["generatedRows"], request["seed"], 0.0)
    expected, classes = predict_onnx(session, description, rows["rows"])
    description.classes = classes
    return {
        "ok": True,
        "framework": {"name": "onnxruntime", "version": version_of("onnxruntime")},
        "converter": None,
        "description": description.as_json(),
        "rows": rows,
        "expected": expected,
        "warnings": [],
    }


def batch_outputs(graph):
    """Outputs declared with a fixed first dimension of 1 under batch inputs (onnxmltools' LightGBM
    label) are [N] in fact: declared so, onnxruntime stops warning on every call."""
    def first_dim(value):
        dims = value.type.tensor_type.shape.dim if value.type.HasField("tensor_type") else []
        return dims[0] if len(dims) > 0 else None

    if not all(first_dim(i) is not None and not first_dim(i).HasField("dim_value") for i in graph.input):
        return
    for output in graph.output:
        dim = first_dim(output)
        if dim is not None and dim.HasField("dim_value") and dim.dim_value == 1:
            dim.dim_param = "N"


class Plain:
    """An ONNX file as a `loaded` model for row generation: no statistics to draw from."""

    framework = "onnx"
    model = None


def framework_facts(loaded):
    distribution = {"sklearn": "scikit-learn", "xgboost": "xgboost", "lightgbm": "lightgbm"}[loaded.framework]
    version = version_of(distribution) or (version_of("xgboost-cpu") if distribution == "xgboost" else None)
    return {"name": distribution, "version": version}


def converter_facts(framework):
    name = "skl2onnx" if framework == "sklearn" else "onnxmltools"
    return {"name": name, "version": version_of(name), "onnx": version_of("onnx")}


def save_onnx(onx, path, request):
    """Stable bytes (a fixed graph name, opsets in order) and a note of where the model came from."""
    onx.graph.name = "berth_import"
    batch_outputs(onx.graph)
    opsets = sorted(onx.opset_import, key=lambda o: (o.domain, o.version))
    del onx.opset_import[:]
    onx.opset_import.extend(opsets)
    entry = onx.metadata_props.add()
    entry.key = "berth.import.artifact"
    entry.value = os.path.basename(request["artifact"])
    with open(path, "wb") as handle:
        handle.write(onx.SerializeToString())
