# What a careful Python engineer would write instead: FastAPI + onnxruntime on the same model.onnx
# Berth serves (BENCH_MODEL). `async def` handlers (no thread-pool hop), one intra-op and one
# inter-op thread (a one-row tree ensemble gains nothing from a pool, and `--workers 2` would
# oversubscribe two cores otherwise), and only the label output is fetched.
#   POST /predict       the four named iris features -> {"prediction": class}
#   POST /predict/rows  {"input": [[...], ...]} for any model -> {"predictions": [...]}
import os
from contextlib import asynccontextmanager

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

state = {}


@asynccontextmanager
async def lifespan(app: FastAPI):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(os.environ["BENCH_MODEL"], options, providers=["CPUExecutionProvider"])
    state["input"] = session.get_inputs()[0].name
    state["label"] = session.get_outputs()[0].name
    state["session"] = session
    yield
    state.clear()


app = FastAPI(lifespan=lifespan)


class Features(BaseModel):
    sepal_length: float
    sepal_width: float
    petal_length: float
    petal_width: float


class Rows(BaseModel):
    input: list[list[float]]


def labels(x: np.ndarray) -> list[int]:
    return [int(label) for label in state["session"].run([state["label"]], {state["input"]: x})[0]]


@app.get("/ready")
async def ready():
    if "session" not in state:
        return JSONResponse(status_code=503, content={"status": "loading"})
    return {"status": "ready"}


@app.post("/predict")
async def predict(f: Features):
    x = np.array([[f.sepal_length, f.sepal_width, f.petal_length, f.petal_width]], dtype=np.float32)
    return {"prediction": labels(x)[0]}


@app.post("/predict/rows")
async def predict_rows(rows: Rows):
    return {"predictions": labels(np.array(rows.input, dtype=np.float32))}
