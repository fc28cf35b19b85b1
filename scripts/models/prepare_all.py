#!/usr/bin/env python3
"""Prepare inferd's model bundles and sample images.

  PYTHONPATH=.deps/python python3 scripts/models/prepare_all.py --models models --samples samples

Creates models/<name>/{model.onnx,labels.txt,manifest.json} for efficientnet-lite0 (real
weights), alexnet, nin and squeezenet (architecture-faithful, seeded random weights), and
samples/ (photos, the paper's three resolution groups, bad-input fixtures). Then runs the
bundles through onnxruntime and fails if EfficientNet-Lite0 misclassifies the sample photos.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bundle  # noqa: E402
import efficientnet_lite0  # noqa: E402
import paper_models  # noqa: E402
import samples as samples_mod  # noqa: E402
import verify  # noqa: E402
from imagenet_labels import imagenet_labels  # noqa: E402

SEEDS = {"alexnet": 1, "nin": 2, "squeezenet": 3}


def log(msg: str) -> None:
    print(f"[prepare] {msg}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="prepare models and samples for inferd")
    ap.add_argument("--models", default="models")
    ap.add_argument("--samples", default="samples")
    ap.add_argument("--skip-verify", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.time()
    os.makedirs(a.models, exist_ok=True)
    labels = imagenet_labels()

    written = []
    model, params = efficientnet_lite0.build()
    written.append(bundle.write_bundle(a.models, "efficientnet-lite0", model, labels,
                                       efficientnet_lite0.manifest(params)))
    del model
    for name, (fn, arch) in paper_models.PAPER_MODELS.items():
        seed = SEEDS[name]
        model, params, size = fn(seed)
        written.append(bundle.write_bundle(a.models, name, model, labels,
                                           paper_models.manifest(name, arch, size, params, seed)))
        del model
    for w in written:
        log(f"{w['name']:18s} {w['parameters']:>10,d} parameters  {w['bytes']:>12,d} bytes  -> {w['dir']}")
    log(f"models done in {time.time() - t0:.1f}s")

    files = samples_mod.prepare_samples(a.samples, os.path.join(a.models, "squeezenet"))
    log(f"{len(files)} sample files in {a.samples} ({time.time() - t0:.1f}s)")

    if not a.skip_verify:
        photos = {n: os.path.join(a.samples, f"{n}.jpg") for n in ("chelsea", "coffee", "rocket")}
        failures = []
        for w in written:
            res = verify.classify(w["dir"], photos)
            for n, top in res.items():
                log(f"{w['name']:18s} {n:8s} " + "; ".join(f"{lab} {p:.3f}" for _, lab, p in top))
            if w["name"] == "efficientnet-lite0":
                failures += verify.check_real(res)
        if failures:
            for f in failures:
                log("VERIFY FAILED: " + f)
            return 1
        log("onnxruntime verification passed")
    log(f"done in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
