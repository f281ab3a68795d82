# The seed tutorial's service as written: the lifespan loads model.joblib from the working
# directory, a sync `def predict` (run in uvicorn's thread pool), /healthz and /ready.
from contextlib import asynccontextmanager

import joblib
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

ml_models = {}


@asynccontextmanager
async def lifespan(app: FastAPI):
    ml_models["model"] = joblib.load("model.joblib")
    yield
    ml_models.clear()


app = FastAPI(lifespan=lifespan)


class Features(BaseModel):
    sepal_length: float
    sepal_width: float
    petal_length: float
    petal_width: float


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/ready")
def ready():
    if "model" not in ml_models:
        return JSONResponse(status_code=503, content={"status": "loading"})
    return {"status": "ready"}


@app.post("/predict")
def predict(f: Features):
    model = ml_models["model"]
    X = [[f.sepal_length, f.sepal_width, f.petal_length, f.petal_width]]
    pred = model.predict(X)[0]
    return {"prediction": int(pred)}
