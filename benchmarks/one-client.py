"""One client, interleaved with the engine itself: blocks of BLOCK inferences alternate between raw
OpenVINO (the same model file, latency hint, the same precision, a pause after each inference as a
client's round trip leaves) and inferd's `/v2/models/{m}/infer` over TCP keep-alive (binary tensor in,
binary probabilities out). Both see the host at the same speed, so the ratio holds on a host whose speed
drifts by a third within minutes. A third block sends the same body to a model that does not exist
(HTTP, upload, a 404: the transport alone). inferd's own `/metrics` give its server-side request and compute means
over the same window, which splits the client's time into engine, daemon and transport.

    python3 benchmarks/one-client.py PORT SECONDS MODEL PRECISION [PAUSE_MS] [BLOCK]
"""
import http.client
import json
import re
import statistics
import sys
import time

import numpy as np
import openvino as ov

port, seconds, model, precision = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
pause = float(sys.argv[5]) / 1000 if len(sys.argv) > 5 else 0.0003
block = int(sys.argv[6]) if len(sys.argv) > 6 else 10

core = ov.Core()
compiled = core.compile_model(f"models/{model}/model.onnx", "CPU",
                              {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": precision})
request = compiled.create_infer_request()
network_input = np.random.rand(*[d.get_length() for d in compiled.input(0).partial_shape]).astype(np.float32)

connection = http.client.HTTPConnection("127.0.0.1", port)
connection.request("GET", f"/v2/models/{model}/config")
config = json.loads(connection.getresponse().read())
pixels = np.random.randint(0, 256, 224 * 224 * 3, dtype=np.uint8).tobytes()
header = json.dumps({"inputs": [{"name": config["input"][0]["name"], "shape": [1, 224, 224, 3], "datatype": "UINT8",
                                 "parameters": {"binary_data_size": len(pixels)}}],
                     "outputs": [{"name": config["output"][0]["name"], "parameters": {"binary_data": True}}]}).encode()
body = header + pixels
headers = {"Inference-Header-Content-Length": str(len(header)), "Content-Type": "application/octet-stream"}


def histogram_mean(name):
    """Sum and count of one of inferd's histograms for the model."""
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    total = sum(float(v) for v in re.findall(rf'^{name}_sum\{{[^}}]*model="{model}"[^}}]*\}} (\S+)', text, re.M))
    count = sum(float(v) for v in re.findall(rf'^{name}_count\{{[^}}]*model="{model}"[^}}]*\}} (\S+)', text, re.M))
    return total, count


raw, served, transport = [], [], []


def raw_block():
    for i in range(block + 1):
        started = time.perf_counter()
        request.infer({0: network_input})
        elapsed = (time.perf_counter() - started) * 1000
        if i:  # the first of a block follows the other side's block
            raw.append(elapsed)
        time.sleep(pause)


def served_block():
    for i in range(block + 1):
        started = time.perf_counter()
        connection.request("POST", f"/v2/models/{model}/infer", body, headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"inferd answered {response.status}")
        if i:
            served.append(elapsed)


def transport_block():
    """The same body to a model that does not exist: HTTP, the body's upload and a 404, no inference."""
    for _ in range(block):
        started = time.perf_counter()
        connection.request("POST", "/v2/models/no-such-model/infer", body, headers)
        response = connection.getresponse()
        response.read()
        transport.append((time.perf_counter() - started) * 1000)


for _ in range(20):
    request.infer({0: network_input})
served_block()
served.clear()
compute0, request0 = histogram_mean("inferd_request_compute_seconds"), histogram_mean("inferd_request_duration_seconds")
deadline = time.time() + seconds
while time.time() < deadline:
    raw_block()
    served_block()
    transport_block()
compute1, request1 = histogram_mean("inferd_request_compute_seconds"), histogram_mean("inferd_request_duration_seconds")


def mean(after, before):
    return (after[0] - before[0]) / max(1.0, after[1] - before[1]) * 1000


def p(values, q):
    return sorted(values)[min(len(values) - 1, int(len(values) * q))]


raw50, served50 = statistics.median(raw), statistics.median(served)
print(f"| {model} | {precision} | {pause * 1000:.1f} | {len(served)} | {raw50:.2f} | {statistics.mean(raw):.2f} | "
      f"{served50:.2f} | {p(served, 0.99):.2f} | **{served50 / raw50:.2f}x** | {mean(request1, request0):.2f} | "
      f"{mean(compute1, compute0):.2f} | {mean(compute1, compute0) / statistics.mean(raw):.2f}x | {statistics.median(transport):.2f} |")
