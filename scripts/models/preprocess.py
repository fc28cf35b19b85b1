"""Reference preprocessing (Pillow) matching the manifest contract, for verification."""
from __future__ import annotations

import numpy as np
from PIL import Image


def preprocess(img: Image.Image, manifest: dict) -> np.ndarray:
    img = img.convert("RGB")
    w, h = manifest["input"]["width"], manifest["input"]["height"]
    rs = manifest["resize"]
    if rs["mode"] == "crop":
        short = rs["short_side"]
        iw, ih = img.size
        if iw <= ih:
            nw, nh = short, max(1, round(ih * short / iw))
        else:
            nw, nh = max(1, round(iw * short / ih)), short
        img = img.resize((nw, nh), Image.BILINEAR)
        left, top = (nw - w) // 2, (nh - h) // 2
        img = img.crop((left, top, left + w, top + h))
    elif rs["mode"] == "squash":
        img = img.resize((w, h), Image.BILINEAR)
    else:
        raise ValueError(rs["mode"])
    a = np.asarray(img, dtype=np.float32)
    mean = np.array(manifest["normalize"]["mean"], np.float32)
    scale = np.array(manifest["normalize"]["scale"], np.float32)
    a = (a - mean) / scale
    return np.ascontiguousarray(a.transpose(2, 0, 1)[None])


def softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
