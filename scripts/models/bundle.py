"""Writing a model bundle: models/<name>/{model.onnx, labels.txt, manifest.json}."""
from __future__ import annotations

import json
import os
from typing import Sequence

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

OPSET = 13
IR_VERSION = 7  # the IR version that goes with opset 13; widely readable


class GraphBuilder:
    """Tiny helper to assemble an ONNX graph with initializers and static shapes."""

    def __init__(self, name: str):
        self.name = name
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.params = 0
        self._n = 0

    def fresh(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}_{self._n}"

    def init(self, name: str, arr: np.ndarray, count: bool = True) -> str:
        arr = np.ascontiguousarray(arr)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        self.inits.append(numpy_helper.from_array(arr, name))
        if count:
            self.params += int(arr.size)
        return name

    def node(self, op: str, inputs: Sequence[str], name: str | None = None, **attrs) -> str:
        name = name or self.fresh(op.lower())
        out = name
        self.nodes.append(helper.make_node(op, list(inputs), [out], name=name, **attrs))
        return out

    def conv(self, x: str, w: np.ndarray, b: np.ndarray | None, name: str, stride=1,
             pads=(0, 0, 0, 0), group=1) -> str:
        k = w.shape[2:]
        ins = [x, self.init(f"{name}.weight", w.astype(np.float32))]
        if b is not None:
            ins.append(self.init(f"{name}.bias", b.astype(np.float32)))
        return self.node("Conv", ins, name=name, kernel_shape=list(k), strides=[stride, stride],
                         pads=list(pads), group=group, dilations=[1, 1])

    def model(self, inp: str, in_shape, out: str, out_shape, doc: str = "") -> onnx.ModelProto:
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info(inp, TensorProto.FLOAT, list(in_shape))],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, list(out_shape))],
            initializer=self.inits,
        )
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="inferd scripts/models", producer_version="1")
        m.ir_version = IR_VERSION
        m.doc_string = doc
        return m


def save_onnx(model: onnx.ModelProto, path: str) -> int:
    """Serialise to a single file (no external data) and check it; returns file size."""
    data = model.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)
    size = len(data)
    del data  # AlexNet is ~244 MB; don't hold two copies while checking
    # check_model on a path handles > 2 GB protos too; ours are far below that.
    onnx.checker.check_model(path, full_check=True)
    return size


def write_bundle(dest_root: str, name: str, model: onnx.ModelProto, labels: Sequence[str],
                 manifest: dict) -> dict:
    d = os.path.join(dest_root, name)
    os.makedirs(d, exist_ok=True)
    for stale in os.listdir(d):
        p = os.path.join(d, stale)
        if os.path.isfile(p):
            os.remove(p)
    size = save_onnx(model, os.path.join(d, "model.onnx"))
    if len(labels) != 1000:
        raise ValueError(f"{name}: expected 1000 labels, got {len(labels)}")
    with open(os.path.join(d, "labels.txt"), "w", encoding="utf-8") as f:
        for lab in labels:
            if "\n" in lab:
                raise ValueError("label contains a newline")
            f.write(lab + "\n")
    full = {"name": name, "file": "model.onnx"}
    full.update(manifest)
    full["labels"] = "labels.txt"
    # keep a stable key order matching the documented contract
    order = ["name", "file", "description", "input", "normalize", "resize", "output", "labels",
             "synthetic_weights", "parameters", "source"]
    ordered = {k: full[k] for k in order if k in full}
    ordered.update({k: v for k, v in full.items() if k not in ordered})
    with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(ordered, f, indent=2)
        f.write("\n")
    return {"name": name, "dir": d, "bytes": size, "parameters": full.get("parameters")}
