#!/usr/bin/env python3
"""Run one ONNX model with onnxruntime on a raw float32 tensor (the f32 parity reference).

  ort_run.py --model models/efficientnet-lite0/model.onnx --input in.f32 --shape 1,3,224,224 \
             --output out.f32

Input and output files are raw little-endian float32, C order. CPUExecutionProvider, one thread.
Exit status is non-zero with a message on stderr on any error.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--input", required=True, help="raw little-endian float32 file")
    ap.add_argument("--shape", required=True, help="comma-separated, e.g. 1,3,224,224")
    ap.add_argument("--output", required=True, help="raw little-endian float32 file to write")
    a = ap.parse_args(argv)

    import onnxruntime as ort

    shape = tuple(int(s) for s in a.shape.split(","))
    if not shape or any(s <= 0 for s in shape):
        print(f"ort_run: bad --shape {a.shape}", file=sys.stderr)
        return 2
    data = np.fromfile(a.input, dtype="<f4")
    if data.size != int(np.prod(shape)):
        print(f"ort_run: {a.input} holds {data.size} floats, shape {shape} needs {int(np.prod(shape))}",
              file=sys.stderr)
        return 2
    x = data.reshape(shape).astype(np.float32)

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(a.model, sess_options=so, providers=["CPUExecutionProvider"])
    inputs = sess.get_inputs()
    if len(inputs) != 1:
        print(f"ort_run: model has {len(inputs)} inputs, expected 1", file=sys.stderr)
        return 2
    y = sess.run(None, {inputs[0].name: x})[0]
    tmp = a.output + ".tmp"
    np.ascontiguousarray(y, dtype="<f4").tofile(tmp)
    os.replace(tmp, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
