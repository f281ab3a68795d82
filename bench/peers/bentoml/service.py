# BentoML with its adaptive batching on the scikit-learn model in BENCH_MODEL (a joblib file).
# POST /predict {"input": [[...]]}: one row per request; the dispatcher stacks rows along axis 0.
# workers="cpu_count": BentoML's guidance for CPU-bound services (one process per core).
import os

import bentoml
import joblib
import numpy as np


@bentoml.service(workers="cpu_count")
class Classifier:
    def __init__(self) -> None:
        self.model = joblib.load(os.environ["BENCH_MODEL"])

    @bentoml.api(batchable=True, batch_dim=0, max_batch_size=64, max_latency_ms=1000)
    def predict(self, input: np.ndarray) -> np.ndarray:
        return self.model.predict(input)
