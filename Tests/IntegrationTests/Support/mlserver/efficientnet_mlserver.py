"""Seldon MLServer (PyPI `mlserver`) serving efficientnet-lite0 through OpenVINO: the second foreign
Open Inference Protocol remote of inferd's offload tests (Tests/IntegrationTests/MLServerRemoteTests.swift).

Only the runtime is ours, as an MLServer user would write it: an `MLModel` that compiles the bundle's
ONNX file with OpenVINO and answers the logits. The model settings (written by the test next to this
file's copy) declare the input `FP32 [1,3,224,224]`; MLServer's REST API takes JSON tensors only.

Run: PYTHONPATH=.deps/python-mlserver:.deps/openvino:<this folder> python3 -m mlserver.cli.main start FOLDER
with FOLDER holding settings.json and efficientnet-lite0/model-settings.json.
"""

import numpy as np
import openvino as ov
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.errors import MLServerError
from mlserver.types import InferenceRequest, InferenceResponse


class EfficientNet(MLModel):
    async def load(self) -> bool:
        core = ov.Core()
        network = core.read_model(self.settings.parameters.uri)
        self.compiled = core.compile_model(network, "CPU", {"INFERENCE_NUM_THREADS": "1"})
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        tensor = payload.inputs[0]
        if tensor.datatype != "FP32" or list(tensor.shape) != [1, 3, 224, 224]:
            raise MLServerError(f"input must be FP32 [1, 3, 224, 224], got {tensor.datatype} {tensor.shape}", status_code=400)
        pixels = NumpyCodec.decode_input(tensor).astype(np.float32).reshape(1, 3, 224, 224)
        logits = self.compiled(pixels)[0].astype(np.float32)
        return InferenceResponse(model_name=self.name, outputs=[NumpyCodec.encode_output("logits", logits)])
