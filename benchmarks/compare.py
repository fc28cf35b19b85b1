#!/usr/bin/env python3
"""Helper of benchmarks/compare.sh.

  compare.py image SRC DST SIZE          write SRC resized to SIZExSIZE as a JPEG (quality 95)
  compare.py ort MODELS_DIR THREADS N    time onnxruntime on every bundle's ONNX file (JSON on stdout)
  compare.py ovcache MODELS_DIR THREADS PRECISION N
                                         OpenVINO's own cache path per bundle: a fresh Core with CACHE_DIR,
                                         compile_model(path) + first inference, N fresh processes after
                                         one that fills the cache (JSON on stdout)
  compare.py summarize DIR               read DIR/{daemon,cache,raw,ort}.json, print the side-by-side
                                         table and each target, met or not (Markdown on stdout)
"""
import glob
import json
import os
import statistics
import sys
import time


def image(src, dst, size):
    from PIL import Image
    Image.open(src).convert("RGB").resize((int(size), int(size)), Image.BILINEAR).save(dst, quality=95)


def ort(models_dir, threads, runs):
    import numpy as np
    import onnxruntime as rt

    threads, runs = int(threads), int(runs)
    out = {"onnxruntime": rt.__version__, "threads": threads, "models": {}}
    for manifest_path in sorted(glob.glob(os.path.join(models_dir, "*", "manifest.json"))):
        with open(manifest_path) as f:
            manifest = json.load(f)
        name = os.path.basename(os.path.dirname(manifest_path))
        model_path = os.path.join(os.path.dirname(manifest_path), manifest["file"])
        options = rt.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = rt.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = rt.GraphOptimizationLevel.ORT_ENABLE_ALL
        started = time.perf_counter()
        session = rt.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        load_ms = (time.perf_counter() - started) * 1000
        width, height = manifest["input"]["width"], manifest["input"]["height"]
        shape = [1, 3, height, width] if manifest["input"].get("layout", "NCHW") == "NCHW" else [1, height, width, 3]
        data = np.random.default_rng(0).random(shape, dtype=np.float32) * 255
        feed = {session.get_inputs()[0].name: data}
        for _ in range(5):
            session.run(None, feed)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            session.run(None, feed)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out["models"][name] = {"load_ms": load_ms, "compute_mean_ms": statistics.fmean(times),
                               "compute_p50_ms": times[len(times) // 2], "input": f"{width}x{height}"}
    json.dump(out, sys.stdout)


OVCACHE_CHILD = r"""
import json, sys, time
import numpy as np
import openvino as ov
path, cache, threads, precision, shape = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], json.loads(sys.argv[5])
core = ov.Core()
core.get_property("CPU", "FULL_DEVICE_NAME")  # the plugin loaded first, as inferd does at start-up
core.set_property({"CACHE_DIR": cache})
config = {"PERFORMANCE_HINT": "LATENCY"}
if threads > 0:
    config["INFERENCE_NUM_THREADS"] = str(threads)
if precision != "auto":
    config["INFERENCE_PRECISION_HINT"] = precision
started = time.perf_counter()
compiled = core.compile_model(path, "CPU", config)
request = compiled.create_infer_request()
request.infer({0: np.zeros(shape, dtype=np.float32)})
print(json.dumps({"ms": (time.perf_counter() - started) * 1000}))
"""


def ovcache(models_dir, threads, precision, runs):
    import subprocess
    import tempfile
    out = {"threads": int(threads), "precision": precision, "models": {}}
    for manifest_path in sorted(glob.glob(os.path.join(models_dir, "*", "manifest.json"))):
        with open(manifest_path) as f:
            manifest = json.load(f)
        name = os.path.basename(os.path.dirname(manifest_path))
        model_path = os.path.join(os.path.dirname(manifest_path), manifest["file"])
        width, height = manifest["input"]["width"], manifest["input"]["height"]
        shape = [1, 3, height, width] if manifest["input"].get("layout", "NCHW") == "NCHW" else [1, height, width, 3]
        with tempfile.TemporaryDirectory(prefix="ovcache-") as cache:
            def once():
                result = subprocess.run([sys.executable, "-c", OVCACHE_CHILD, model_path, cache, threads, precision,
                                         json.dumps(shape)], capture_output=True, text=True, check=True)
                return json.loads(result.stdout.strip().splitlines()[-1])["ms"]
            fill = once()
            times = sorted(once() for _ in range(int(runs)))
        out["models"][name] = {"fill_ms": fill, "p50_ms": statistics.median(times), "samples": times}
    json.dump(out, sys.stdout)


def cells(bench, mode):
    return {c["model"]: c for c in bench["cells"] if c["mode"] == mode and c["resize"] == "server"}


def summarize(directory):
    def load(name):
        with open(os.path.join(directory, name)) as f:
            return json.load(f)

    daemon, cache, raw, ortj = load("daemon.json"), load("cache.json"), load("raw.json"), load("ort.json")
    ovc = load("ovcache.json")["models"] if os.path.exists(os.path.join(directory, "ovcache.json")) else {}
    warm, cold, cached = cells(daemon, "warm"), cells(daemon, "cold"), cells(cache, "cold")
    rawm = {m["model"]: m for m in raw["models"]}
    host = daemon["host"]
    print(f"Host: {host['cpu']}, {host['cores']} cores ({', '.join(host['cpu_flags'])}), OpenVINO {host['openvino']}, "
          f"onnxruntime {ortj['onnxruntime']}, threads {daemon['settings']['threads']} (0 = all cores; onnxruntime {ortj['threads']}), "
          f"precision {daemon['settings']['precision']} (ran as {raw['models'][0]['precision'] if raw['models'] else '?'}), {host['date']}, "
          f"load average at start {' '.join(str(x) for x in host.get('load_average', []))}")
    print()
    print("Medians (p50) in ms: the host is shared, so means carry other work's noise.")
    print()
    print("| model | input | raw compute | daemon-model compute | inferd warm e2e | onnxruntime | raw read+compile | "
          "loader load | inferd cold load | cold load, cache | OpenVINO CACHE_DIR compile_model(path) + first inference | "
          "DCT decode+rescale | full decode+resize |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    targets = []
    for model in sorted(rawm):
        r = rawm[model]
        raw_compute = r["raw_compute_ms"]["p50"]
        raw_load = r["raw_read_ms"]["p50"] + r["raw_compile_ms"]["p50"]
        w = warm.get(model)
        e2e = w["columns"]["total"]["p50"] if w else float("nan")
        c = cold.get(model)
        # The daemon's cold load as the caller sees it: what a cold answer costs beyond a warm one.
        cold_load = (c["columns"]["total"]["p50"] - e2e) if c and w else float("nan")
        server_load = c["columns"]["load"]["p50"] if c else float("nan")
        k = cached.get(model)
        cache_load = k["columns"]["load"]["p50"] if k else float("nan")
        o = ortj["models"].get(model, {}).get("compute_p50_ms", float("nan"))
        d = r.get("decode") or {}
        print(f"| {model} | {r['input']} | {raw_compute:.2f} | {r['model_compute_ms']['p50']:.2f} | {e2e:.2f} | {o:.2f} | "
              f"{raw_load:.1f} | {r['loader_load_ms']['p50']:.1f} | {server_load:.1f} (e2e {cold_load:.1f}) | {cache_load:.1f} | "
              f"{ovc.get(model, {}).get('p50_ms', float('nan')):.1f} | "
              f"{d.get('rescale_dct_ms', float('nan')):.2f} | {d.get('rescale_full_ms', float('nan')):.2f} |")
        bound = 1.15 * raw_compute + 0.5
        targets.append((model, "warm e2e <= 1.15 x raw compute + 0.5 ms", e2e <= bound, f"{e2e:.2f} vs {bound:.2f} ms"))
        targets.append((model, "faster than onnxruntime", e2e < o, f"inferd e2e {e2e:.2f} vs onnxruntime compute {o:.2f} ms"
                        f" (raw OpenVINO compute {raw_compute:.2f})"))
        targets.append((model, "cold load <= 1.1 x raw read+compile", server_load <= 1.1 * raw_load,
                        f"server load {server_load:.1f} vs {1.1 * raw_load:.1f} ms (e2e extra {cold_load:.1f})"))
        targets.append((model, "cache makes cold load >= 2x faster", server_load >= 2 * cache_load,
                        f"{server_load:.1f} -> {cache_load:.1f} ms ({server_load / cache_load if cache_load else float('nan'):.1f}x)"))
        if model in ovc:
            own = ovc[model]["p50_ms"]
            targets.append((model, "cold load with the cache <= 1.1 x OpenVINO's own cache path", cache_load <= 1.1 * own,
                            f"{cache_load:.1f} vs {own:.1f} ms ({cache_load / own:.2f}x)"))
        if d:
            targets.append((model, "DCT decode+rescale >= 3x faster than full decode+resize", d["speedup"] >= 3,
                            f"{d['rescale_dct_ms']:.2f} vs {d['rescale_full_ms']:.2f} ms ({d['speedup']:.1f}x, {d['original_size']} -> {d['dct_size']})"))
    print()
    print("| model | target | met | figures |")
    print("|---|---|---|---|")
    for model, target, met, figures in targets:
        print(f"| {model} | {target} | {'yes' if met else '**no**'} | {figures} |")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"image": image, "ort": ort, "ovcache": ovcache, "summarize": summarize}[command](*args)
