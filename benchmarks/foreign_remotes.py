#!/usr/bin/env python3
"""Offload to each kind of remote the tests use, and compare with running here.

  python3 benchmarks/foreign_remotes.py [--runs N] [--build DIR]

Starts, on loopback: a stock KServe ModelServer with the test support's OpenVINO model
(Tests/IntegrationTests/Support/kserve/efficientnet_kserve.py, FP32 NCHW, then redeployed UINT8 NHWC),
MLServer with its OpenVINO MLModel (Tests/IntegrationTests/Support/mlserver, FP32 NCHW, JSON tensors),
both from setup's .deps/python-kserve and .deps/python-mlserver, an inferd "cloud" on TCP, and per remote an "edge" inferd that offloads every request to it
(`--offload always`). For samples/coffee.jpg and efficientnet-lite0 it prints, per remote kind, the
top-5 labels against this host's own answer (`offload=never`) and the medians of the offloaded
exchange (`placement.network`), the remote's own time (reported or estimated, and which) and the
edge's whole answer time, as a Markdown table. Every process it starts is stopped at the end.
"""
import argparse
from unix_http import UnixConnection
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = "efficientnet-lite0"
PHOTO = os.path.join(ROOT, "samples", "coffee.jpg")



def request(conn_factory, method, target, body=None):
    conn = conn_factory()
    conn.request(method, target, body=body)
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, data


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(factory, what, process, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} exited with {process.returncode}")
        try:
            if request(factory, "GET", "/v2/health/ready")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{what} not ready after {timeout} s")


def start_daemon(build, folder, name, arguments):
    sock = os.path.join(folder, f"{name}.sock")
    log = open(os.path.join(folder, f"{name}.log"), "w")
    process = subprocess.Popen([os.path.join(build, "inferd"), "--socket", sock, "--models", os.path.join(ROOT, "models")] + arguments,
                               stdout=log, stderr=log)
    factory = lambda: UnixConnection(sock)
    wait_ready(factory, name, process)
    return process, factory


def classify(factory, query):
    with open(PHOTO, "rb") as f:
        image = f.read()
    started = time.perf_counter()
    status, data = request(factory, "POST", f"/v1/models/{MODEL}/classify?top=5{query}", image)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        sys.exit(f"classify {query}: {status} {data[:300]!r}")
    return json.loads(data), elapsed


def measure(kind, factory, runs, remote_url):
    classify(factory, "&offload=never")  # load it here
    local, _ = classify(factory, "&offload=never")
    classify(factory, "&offload=always")  # warm the remote path (protocol learned, metadata read)
    rows = []
    for _ in range(runs):
        answer, wall = classify(factory, "&offload=always")
        placement = answer["placement"]
        if placement["where"] != "remote" or placement.get("fallback"):
            sys.exit(f"{kind}: ran {placement['where']}: {placement}")
        rows.append((answer, wall))
    last = rows[-1][0]
    network = [a["placement"]["network"] for a, _ in rows]
    own = [n.get("remote_reported") if n.get("remote_reported") is not None else n.get("remote_estimated") for n in network]
    sources = {n.get("remote_source") or ("connect-estimate" if n.get("remote_estimated") is not None else "none") for n in network}
    exchange = [n["connect"] + n["upload"] + n["server"] + n["download"] for n in network]
    labels = lambda answer: ", ".join(f"{l['label'].split(',')[0]} {l['probability']:.4f}" for l in answer["labels"][:3])
    same = [l["index"] for l in last["labels"]] == [l["index"] for l in local["labels"]]
    return {
        "kind": kind, "url": remote_url, "labels": labels(last), "local": labels(local), "same_top5_order": same,
        "bytes_sent": network[-1]["bytes_sent"], "exchange": statistics.median(exchange),
        "connect": statistics.median(n["connect"] for n in network), "upload": statistics.median(n["upload"] for n in network),
        "server": statistics.median(n["server"] for n in network),
        "own": statistics.median(x for x in own if x is not None) if any(x is not None for x in own) else None,
        "source": "/".join(sorted(sources)), "wall": statistics.median(w for _, w in rows),
        "local_total": local["timings_ms"]["total"],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--build", default=os.path.join(ROOT, ".build", "debug"))
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="foreign-remotes-")
    processes = []
    try:
        port = free_port()
        deploy = os.path.join(folder, "deploy.txt")
        with open(deploy, "w") as f:
            f.write("fp32-nchw")
        support = os.path.join(ROOT, "Tests/IntegrationTests/Support")
        python_env = lambda *paths: dict(os.environ, PYTHONPATH=":".join(paths + (os.path.join(ROOT, ".deps/openvino"),)))
        kserve = subprocess.Popen([sys.executable, os.path.join(support, "kserve/efficientnet_kserve.py"),
                                   "--model_dir", os.path.join(ROOT, "models", MODEL), "--deploy_file", deploy, "--http_port", str(port)],
                                  stdout=open(os.path.join(folder, "kserve.log"), "w"), stderr=subprocess.STDOUT,
                                  env=python_env(os.path.join(ROOT, ".deps/python-kserve")))
        processes.append(kserve)
        kserve_url = f"http://127.0.0.1:{port}"
        kserve_factory = lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        wait_ready(kserve_factory, "kserve", kserve)

        ml_port = free_port()
        ml_dir = os.path.join(folder, "mlserver")
        os.makedirs(os.path.join(ml_dir, MODEL))
        with open(os.path.join(ml_dir, "settings.json"), "w") as f:
            json.dump({"host": "127.0.0.1", "http_port": ml_port, "grpc_port": free_port(), "metrics_port": free_port(),
                       "parallel_workers": 0, "load_models_at_startup": True}, f)
        with open(os.path.join(ml_dir, MODEL, "model-settings.json"), "w") as f:
            json.dump({"name": MODEL, "implementation": "efficientnet_mlserver.EfficientNet",
                       "inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 3, 224, 224]}],
                       "outputs": [{"name": "logits", "datatype": "FP32", "shape": [1, 1000]}],
                       "parameters": {"uri": os.path.join(ROOT, "models", MODEL, "model.onnx")}}, f)
        mlserver = subprocess.Popen([sys.executable, "-m", "mlserver.cli.main", "start", ml_dir], cwd=ml_dir,
                                    stdout=open(os.path.join(folder, "mlserver.log"), "w"), stderr=subprocess.STDOUT,
                                    env=python_env(os.path.join(ROOT, ".deps/python-mlserver"), os.path.join(support, "mlserver")))
        processes.append(mlserver)
        wait_ready(lambda: http.client.HTTPConnection("127.0.0.1", ml_port, timeout=120), "mlserver", mlserver)

        cloud_port = free_port()
        cloud, _ = start_daemon(args.build, folder, "cloud", ["--listen", f"tcp://127.0.0.1:{cloud_port}"])
        processes.append(cloud)
        cloud_url = f"http://127.0.0.1:{cloud_port}"

        results = []
        for kind, remote in [("inferd (classify route)", cloud_url), ("inferd (/v2, OIP)", f"{cloud_url} protocol=oip"),
                             ("KServe 0.21, FP32 NCHW", f"{kserve_url} protocol=oip"),
                             ("MLServer 1.7.1, FP32 NCHW, JSON tensors", f"http://127.0.0.1:{ml_port} protocol=oip")]:
            edge, factory = start_daemon(args.build, folder, f"edge{len(results)}", ["--offload-remote", remote, "--offload", "never"])
            processes.append(edge)
            results.append(measure(kind, factory, args.runs, remote.split()[0]))
            if kind.startswith("KServe"):
                with open(deploy, "w") as f:
                    f.write("uint8-nhwc")
                status, data = request(kserve_factory, "POST", f"/v2/repository/models/{MODEL}/load")
                if status != 200:
                    sys.exit(f"redeploy: {status} {data!r}")
                results.append(measure("KServe 0.21, UINT8 NHWC (redeployed)", factory, args.runs, kserve_url))

        print(f"{args.runs} offloaded requests per remote, samples/coffee.jpg, {MODEL}; medians, ms; loopback; "
              f"build {os.path.basename(args.build)}\n")
        print("| remote | top-3 remote | top-3 here | top-5 order same | bytes sent | connect | upload | server (wait) | remote's own (source) | exchange | edge answer | here, warm |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in results:
            own = f"{r['own']:.1f} ({r['source']})" if r["own"] is not None else f"- ({r['source']})"
            print(f"| {r['kind']} | {r['labels']} | {r['local']} | {'yes' if r['same_top5_order'] else 'no'} | {r['bytes_sent']} | "
                  f"{r['connect']:.2f} | {r['upload']:.2f} | {r['server']:.1f} | {own} | {r['exchange']:.1f} | {r['wall']:.1f} | {r['local_total']:.1f} |")
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
