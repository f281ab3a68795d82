"""NVIDIA's tritonclient, unmodified, against a running `berth serve --repository`.

Every fixture model through the HTTP client (gevent), the asyncio HTTP client and the gRPC client:
JSON and binary inputs, JSON and binary outputs, compression off, gzip and deflate; answers compared
with the original framework's outputs in the fixture's cases.json, with the fixture's tolerance.
Then the model configuration, statistics, metadata, health and repository extensions.

Prints one JSON report on stdout: {"checks": [{"client", "model", "case", "ok", "detail"}]}.
The server wants an API key (model control needs one): every client sends it through tritonclient's
own plugin hook, read from BERTH_TEST_API_KEY. Run by test/interop/tritonclient.test.ts; usage:
  python tritonclient_matrix.py HTTP_HOST:PORT GRPC_HOST:PORT FIXTURES_DIR MODEL [MODEL ...]
"""

import asyncio
import json
import os
import sys
import traceback
from pathlib import Path

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
import tritonclient.http.aio as aioclient
from tritonclient._plugin import InferenceServerClientPlugin

NUMPY = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64,
    "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64,
    "FP16": np.float16, "FP32": np.float32, "FP64": np.float64, "BYTES": np.object_,
}
COMPRESSIONS = [None, "gzip", "deflate"]
CHECKS = []


class BearerKey(InferenceServerClientPlugin):
    """Adds Berth's API key to every request, as tritonclient's own BasicAuth plugin adds its header (lower case: gRPC metadata keys must be)."""

    def __call__(self, request):
        request.headers["authorization"] = "Bearer " + os.environ["BERTH_TEST_API_KEY"]


def with_key(client):
    client.register_plugin(BearerKey())
    return client


def record(client, model, case, run):
    """Runs one check; any exception or returned complaint is a failure with its detail."""
    try:
        complaint = run()
        CHECKS.append({"client": client, "model": model, "case": case, "ok": complaint is None, "detail": complaint or ""})
    except Exception as error:  # the report says what failed; the node test fails on it
        CHECKS.append({"client": client, "model": model, "case": case, "ok": False, "detail": f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"})


async def record_async(client, model, case, run):
    try:
        complaint = await run()
        CHECKS.append({"client": client, "model": model, "case": case, "ok": complaint is None, "detail": complaint or ""})
    except Exception as error:
        CHECKS.append({"client": client, "model": model, "case": case, "ok": False, "detail": f"{type(error).__name__}: {error}"})


def as_array(tensor):
    if tensor["datatype"] == "BYTES":
        return np.array([str(value).encode("utf-8") for value in tensor["data"]], dtype=np.object_).reshape(tensor["shape"])
    return np.array(tensor["data"], dtype=NUMPY[tensor["datatype"]]).reshape(tensor["shape"])


def compare(outputs, fixture):
    """None when every expected output matches (same rule as test/helpers/server.ts closeEnough)."""
    tolerance = fixture["tolerance"]
    for name, expected in fixture["expected"].items():
        actual = outputs.get(name)
        if actual is None:
            return f"output {name} missing (got {sorted(outputs)})"
        if list(actual.shape) != expected["shape"]:
            return f"{name}: shape {list(actual.shape)}, expected {expected['shape']}"
        for index, (got, want) in enumerate(zip(actual.reshape(-1).tolist(), expected["data"])):
            if isinstance(got, bytes):
                got = got.decode("utf-8")
            if isinstance(want, float) or (isinstance(want, int) and expected["datatype"].startswith("FP")):
                if abs(float(got) - want) > tolerance["abs"] + tolerance["rel"] * abs(want):
                    return f"{name}[{index}] = {got}, framework says {want}"
            elif str(got) != str(want):
                return f"{name}[{index}] = {got!r}, framework says {want!r}"
    return None


def http_inputs(module, fixture, binary):
    inputs = []
    for name, tensor in fixture["inputs"].items():
        tensor_input = module.InferInput(name, tensor["shape"], tensor["datatype"])
        if module is grpcclient:
            tensor_input.set_data_from_numpy(as_array(tensor))
        else:
            tensor_input.set_data_from_numpy(as_array(tensor), binary_data=binary)
        inputs.append(tensor_input)
    return inputs


def sync_http(url, models, fixtures):
    client = with_key(httpclient.InferenceServerClient(url))
    record("http", "-", "server live, ready, metadata", lambda: None if client.is_server_live() and client.is_server_ready() else "not live/ready")
    for model in models:
        fixture = fixtures[model]
        for binary_in in (False, True):
            for binary_out in (False, True):
                for compression in COMPRESSIONS:
                    def run(binary_in=binary_in, binary_out=binary_out, compression=compression):
                        outputs = [httpclient.InferRequestedOutput(name, binary_data=binary_out) for name in fixture["expected"]]
                        result = client.infer(model, http_inputs(httpclient, fixture, binary_in), outputs=outputs, request_id="matrix",
                                              request_compression_algorithm=compression, response_compression_algorithm=compression)
                        if result.get_response()["id"] != "matrix":
                            return "request id not echoed"
                        return compare({name: result.as_numpy(name) for name in fixture["expected"]}, fixture)
                    record("http", model, f"{'binary' if binary_in else 'json'} in, {'binary' if binary_out else 'json'} out, compression {compression}", run)
        # No outputs named: the client asks for every output as binary (binary_data_output).
        record("http", model, "all outputs by default", lambda: compare(
            {name: client.infer(model, http_inputs(httpclient, fixture, True)).as_numpy(name) for name in fixture["expected"]}, fixture))
        record("http", model, "config, metadata, ready", lambda: check_config(client.get_model_config(model), client.get_model_metadata(model), fixture, model) or (None if client.is_model_ready(model) else "not ready"))
    return client


def check_config(config, metadata, fixture, model):
    if config.get("name") != model or metadata.get("name") != model:
        return f"names: config {config.get('name')}, metadata {metadata.get('name')}"
    if sorted(tensor["name"] for tensor in config["input"]) != sorted(fixture["inputs"]):
        return f"config inputs {[tensor['name'] for tensor in config['input']]}"
    # Protobuf's JSON leaves out fields at their default: a gRPC max_batch_size of 0 is absent.
    batched = int(config.get("max_batch_size", 0)) > 0
    if model == "torch-fixed-batch" and batched:
        return "a fixed batch of 1 must have max_batch_size 0"
    if model != "torch-fixed-batch" and (not batched or "dynamic_batching" not in config):
        return f"max_batch_size {config['max_batch_size']}, dynamic_batching {'dynamic_batching' in config}"
    for tensor in config["input"]:
        datatype = fixture["inputs"][tensor["name"]]["datatype"]
        if tensor["data_type"] != ("TYPE_STRING" if datatype == "BYTES" else f"TYPE_{datatype}"):
            return f"{tensor['name']}: data_type {tensor['data_type']}, expected {datatype}"
    return None


def grpc_checks(url, models, fixtures, expected_counts):
    client = with_key(grpcclient.InferenceServerClient(url))
    record("grpc", "-", "server live, ready, metadata", lambda: None if client.is_server_live() and client.is_server_ready() and "statistics" in client.get_server_metadata(as_json=True)["extensions"] else "not live/ready/statistics")
    for model in models:
        fixture = fixtures[model]
        for compression in COMPRESSIONS:
            def run(compression=compression):
                outputs = [grpcclient.InferRequestedOutput(name) for name in fixture["expected"]]
                result = client.infer(model, http_inputs(grpcclient, fixture, True), outputs=outputs, compression_algorithm=compression)
                return compare({name: result.as_numpy(name) for name in fixture["expected"]}, fixture)
            record("grpc", model, f"raw tensors, compression {compression}", run)
            expected_counts[model] += 1
        record("grpc", model, "config, metadata, ready", lambda: check_config(client.get_model_config(model, as_json=True)["config"], client.get_model_metadata(model, as_json=True), fixture, model) or (None if client.is_model_ready(model) else "not ready"))
    return client


async def async_http(url, models, fixtures, expected_counts):
    async with aioclient.InferenceServerClient(url) as client:
        with_key(client)
        await record_async("http-asyncio", "-", "server live, ready", lambda: ready_async(client))
        for model in models:
            fixture = fixtures[model]
            for binary_in in (False, True):
                for binary_out in (False, True):
                    for compression in COMPRESSIONS:
                        async def run(binary_in=binary_in, binary_out=binary_out, compression=compression):
                            outputs = [httpclient.InferRequestedOutput(name, binary_data=binary_out) for name in fixture["expected"]]
                            result = await client.infer(model, http_inputs(httpclient, fixture, binary_in), outputs=outputs,
                                                        request_compression_algorithm=compression, response_compression_algorithm=compression)
                            return compare({name: result.as_numpy(name) for name in fixture["expected"]}, fixture)
                        await record_async("http-asyncio", model, f"{'binary' if binary_in else 'json'} in, {'binary' if binary_out else 'json'} out, compression {compression}", run)
                        expected_counts[model] += 1


async def async_repository(url, model):
    """The repository extension through the asyncio client (its bodies are application/octet-stream)."""
    async with aioclient.InferenceServerClient(url) as client:
        with_key(client)
        async def reload():
            await client.unload_model(model)
            if await client.is_model_ready(model):
                return "still ready after unload"
            await client.load_model(model)
            return None if await client.is_model_ready(model) else "not ready after load"
        await record_async("http-asyncio", model, "repository unload, load", reload)


async def ready_async(client):
    return None if await client.is_server_live() and await client.is_server_ready() else "not live/ready"


def statistics(http, grpc, models, expected_counts):
    def run(model):
        rest = http.get_inference_statistics(model)["model_stats"]
        over_grpc = grpc.get_inference_statistics(model, as_json=True)["model_stats"]
        successes = sum(int(entry["inference_stats"]["success"]["count"]) for entry in rest)
        successes_grpc = sum(int(entry["inference_stats"]["success"].get("count", 0)) for entry in over_grpc)
        executions = sum(int(entry["execution_count"]) for entry in rest)
        if successes < expected_counts[model] or successes != successes_grpc or executions < 1:
            return f"successes REST {successes}, gRPC {successes_grpc}, at least {expected_counts[model]} expected; executions {executions}"
        return None
    for model in models:
        record("http+grpc", model, "statistics count every request", lambda model=model: run(model))


def repository(http, grpc, models):
    def index():
        ready = {entry["name"] for entry in http.get_model_repository_index() if entry.get("state") == "READY"}
        ready_grpc = {entry.name for entry in grpc.get_model_repository_index().models if entry.state == "READY"}
        return None if set(models) <= ready and ready == ready_grpc else f"REST {sorted(ready)}, gRPC {sorted(ready_grpc)}"
    record("http+grpc", "-", "repository index", index)
    for name, client in (("http", http), ("grpc", grpc)):
        model = models[0] if name == "http" else models[1]
        def reload(client=client, model=model):
            client.unload_model(model)
            if model_ready(client, model):
                return "still ready after unload"
            client.load_model(model)
            return None if client.is_model_ready(model) else "not ready after load"
        record(name, model, "repository unload, load", reload)


def model_ready(client, model):
    """An unloaded model is unknown to Berth: HTTP says 404 (False to the client), gRPC NOT_FOUND."""
    try:
        return client.is_model_ready(model)
    except Exception as error:
        if "NOT_FOUND" in str(error):
            return False
        raise


def main():
    http_url, grpc_url, fixtures_dir, *models = sys.argv[1:]
    fixtures = {model: json.loads((Path(fixtures_dir) / model / "cases.json").read_text()) for model in models}
    # Per model: the requests made to it, each of which the statistics must count.
    expected_counts = {model: 13 for model in models}
    http = sync_http(http_url, models, fixtures)
    grpc = grpc_checks(grpc_url, models, fixtures, expected_counts)
    asyncio.run(async_http(http_url, models, fixtures, expected_counts))
    statistics(http, grpc, models, expected_counts)
    record("http", "-", "server metadata lists the extensions", lambda: None if {"binary_tensor_data", "model_configuration", "statistics", "model_repository"} <= set(http.get_server_metadata()["extensions"]) else str(http.get_server_metadata()))
    repository(http, grpc, models)
    asyncio.run(async_repository(http_url, models[-1]))
    print(json.dumps({"checks": CHECKS}))


if __name__ == "__main__":
    main()
