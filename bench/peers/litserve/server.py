# LitServe with its batching (at most 64 requests, 1 ms window) on the scikit-learn model in
# BENCH_MODEL (a joblib file). One inference worker (LitServe's default on CPU) behind its API
# server process. POST /predict takes the four named iris features, or {"input": [[...]]} with
# one row for any model.   python server.py PORT
import os
import sys

import joblib
import litserve as ls
import numpy as np

NAMED = ("sepal_length", "sepal_width", "petal_length", "petal_width")


class Classifier(ls.LitAPI):
    def setup(self, device):
        self.model = joblib.load(os.environ["BENCH_MODEL"])

    def decode_request(self, request):
        return request["input"][0] if "input" in request else [request[name] for name in NAMED]

    def batch(self, inputs):
        return np.asarray(inputs, dtype=np.float32)

    def predict(self, x):
        return self.model.predict(x)

    def unbatch(self, output):
        return list(output)

    def encode_response(self, output):
        return {"prediction": int(output)}


if __name__ == "__main__":
    api = Classifier(max_batch_size=64, batch_timeout=0.001)
    server = ls.LitServer(api, accelerator="cpu", workers_per_device=1)
    server.run(host="127.0.0.1", port=int(sys.argv[1]), generate_client_file=False)
