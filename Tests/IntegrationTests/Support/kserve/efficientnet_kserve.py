"""A stock KServe ModelServer (PyPI `kserve`) serving efficientnet-lite0 through OpenVINO: the foreign
Open Inference Protocol remote of inferd's offload tests (Tests/IntegrationTests/KServeRemoteTests.swift).

Only the model is ours, as a KServe user would write it: a `kserve.Model` that compiles the bundle's
ONNX file with OpenVINO, declares its tensors through `get_input_types`/`get_output_types` (KServe's
metadata then says `"versions": null`, `"platform": ""`, no parameters), checks the input it gets
(a wrong tensor is a 400 `InvalidInput`) and answers the logits as FP32 (binary when asked).

Two deployments of the same weights, to test a redeploy with a new input description:
  fp32-nchw   input FP32 [1,3,224,224], pixels normalised by the client (the ONNX file as is)
  uint8-nhwc  input UINT8 [1,224,224,3], normalisation inside the model (OpenVINO pre-processing)
The deploy file names the one to serve; KServe's own repository call
`POST /v2/repository/models/efficientnet-lite0/load` redeploys from it while the server keeps running.

Run: PYTHONPATH=.deps/python-kserve:.deps/openvino python3 efficientnet_kserve.py \
        --model_dir models/efficientnet-lite0 --deploy_file deploy.txt --http_port 8080
Listens on 127.0.0.1 only (KServe itself binds every address); no gRPC.
"""

import argparse

import numpy as np
import openvino as ov
import uvicorn
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelRepository, ModelServer, model_server
from kserve.errors import InvalidInput

SIZE = 224


class EfficientNet(Model):
    def __init__(self, name: str, model_dir: str, layout: str):
        super().__init__(name)
        self.model_dir = model_dir
        self.layout = layout
        self.compiled = None

    def load(self) -> bool:
        core = ov.Core()
        network = core.read_model(f"{self.model_dir}/model.onnx")
        if self.layout == "uint8-nhwc":
            ppp = ov.preprocess.PrePostProcessor(network)
            ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC"))
            ppp.input().model().set_layout(ov.Layout("NCHW"))
            ppp.input().preprocess().convert_element_type(ov.Type.f32).mean(127.5).scale(127.5)
            network = ppp.build()
        self.compiled = core.compile_model(network, "CPU", {"INFERENCE_NUM_THREADS": "1"})
        self.ready = True
        return self.ready

    def expected(self):
        if self.layout == "uint8-nhwc":
            return "UINT8", [1, SIZE, SIZE, 3]
        return "FP32", [1, 3, SIZE, SIZE]

    def get_input_types(self):
        datatype, shape = self.expected()
        return [{"name": "input", "datatype": datatype, "shape": shape}]

    def get_output_types(self):
        return [{"name": "logits", "datatype": "FP32", "shape": [1, 1000]}]

    async def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
        datatype, shape = self.expected()
        tensor = payload.inputs[0]
        if tensor.datatype != datatype or list(tensor.shape) != shape:
            raise InvalidInput(f"input must be {datatype} {shape}, got {tensor.datatype} {list(tensor.shape)}")
        logits = self.compiled(tensor.as_numpy())[0].astype(np.float32)
        binary = payload.use_binary_outputs
        output = InferOutput(name="logits", shape=list(logits.shape), datatype="FP32")
        output.set_data_from_numpy(logits, binary_data=binary)
        return InferResponse(response_id=payload.id or "", model_name=self.name, infer_outputs=[output],
                             use_binary_outputs=binary)


class Redeploys(ModelRepository):
    """A repository whose `load` (KServe's `POST /v2/repository/models/{name}/load`) deploys the model
    anew with the input the deploy file names."""

    def __init__(self, model_dir: str, deploy_file: str):
        super().__init__()
        self.model_dir = model_dir
        self.deploy_file = deploy_file

    def deploy(self, name: str) -> EfficientNet:
        with open(self.deploy_file) as f:
            layout = f.read().strip()
        if layout not in ("fp32-nchw", "uint8-nhwc"):
            raise ValueError(f"{self.deploy_file} says {layout!r}; write fp32-nchw or uint8-nhwc")
        model = EfficientNet(name, self.model_dir, layout)
        model.load()
        return model

    def load(self, name: str) -> bool:
        model = self.deploy(name)
        self.update(model)
        return model.ready


def loopback_only():
    """KServe's REST server binds 0.0.0.0; a test server listens on loopback only."""
    original = uvicorn.Config.__init__

    def config(self, *args, **kwargs):
        kwargs["host"] = "127.0.0.1"
        original(self, *args, **kwargs)

    uvicorn.Config.__init__ = config


if __name__ == "__main__":
    parser = argparse.ArgumentParser(parents=[model_server.parser], conflict_handler="resolve")
    parser.add_argument("--model_dir", required=True)
    parser.add_argument("--deploy_file", required=True)
    args, _ = parser.parse_known_args()
    loopback_only()
    repository = Redeploys(args.model_dir, args.deploy_file)
    model = repository.deploy("efficientnet-lite0")
    ModelServer(http_port=args.http_port, enable_grpc=False, workers=1, registered_models=repository).start([model])
