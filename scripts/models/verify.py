"""Check the written bundles with onnxruntime + Pillow (same preprocessing as the manifest)."""
from __future__ import annotations

import json
import os

import numpy as np
from PIL import Image

from preprocess import preprocess, softmax

# Class indices that count as a correct answer for the real-weights model.
EXPECT = {
    "chelsea": ("top5", {281, 282, 285}),       # tabby, tiger cat, Egyptian cat
    "coffee": ("top1", {967}),                  # espresso
    "rocket": ("top5", {744, 657, 812}),         # projectile, missile, space shuttle
}


def _session(path: str):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    return ort.InferenceSession(path, sess_options=so, providers=["CPUExecutionProvider"])


def classify(bundle_dir: str, images: dict[str, str]) -> dict[str, list[tuple[int, str, float]]]:
    with open(os.path.join(bundle_dir, "manifest.json"), encoding="utf-8") as f:
        man = json.load(f)
    with open(os.path.join(bundle_dir, man["labels"]), encoding="utf-8") as f:
        labels = f.read().splitlines()
    sess = _session(os.path.join(bundle_dir, man["file"]))
    inp = sess.get_inputs()[0]
    assert inp.shape == [1, 3, man["input"]["height"], man["input"]["width"]], inp.shape
    assert sess.get_outputs()[0].shape == [1, 1000]
    res = {}
    for name, path in images.items():
        with Image.open(path) as im:
            x = preprocess(im, man)
        y = sess.run(None, {inp.name: x})[0][0]
        if not np.all(np.isfinite(y)):
            raise AssertionError(f"{bundle_dir}: non-finite output for {name}")
        if not np.any(y != 0):
            raise AssertionError(f"{bundle_dir}: all-zero output for {name}")
        p = softmax(y) if man["output"] == "logits" else y.astype(np.float64)
        top = np.argsort(-p)[:5]
        res[name] = [(int(i), labels[i], float(p[i])) for i in top]
    return res


def check_real(res) -> list[str]:
    failures = []
    for name, (kind, ok) in EXPECT.items():
        idx = [i for i, _, _ in res[name]]
        cand = idx[:1] if kind == "top1" else idx
        if not ok & set(cand):
            failures.append(f"{name}: expected one of {sorted(ok)} in {kind}, got {idx}")
    return failures
