"""Installed versions of the packages an import uses, for the report and for pip lines."""

import sys
from importlib import metadata


def version_of(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def environment():
    names = ["scikit-learn", "skl2onnx", "onnxmltools", "onnx", "xgboost", "xgboost-cpu", "lightgbm", "onnxruntime", "numpy", "joblib"]
    found = {name: version_of(name) for name in names}
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "packages": {name: version for name, version in found.items() if version is not None},
    }
