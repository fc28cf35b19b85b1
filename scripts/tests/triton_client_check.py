#!/usr/bin/env python3
"""Talks to inferd's Open Inference Protocol (KServe v2) endpoints with the stock Triton HTTP client.

    triton_client_check.py HOST:PORT MODEL IMAGE

Runs every call a Triton user would make, in order, and prints one JSON object: what each call
answered, and for six `infer` variants (the input as JSON or binary; the output asked for as JSON,
as binary, or not named, which the client turns into `binary_data_output`) the top-1 class, shape,
type and sum of the probabilities; the classification extension (`class_count`), JSON and binary;
and what happens to a gzip-compressed request and a request for a gzip-compressed answer. A call that raises is recorded under "errors" (the others still run); the
exit status is 1 when there is any error, else 0. Needs tritonclient[http], numpy and Pillow
(scripts/requirements-tests.txt, installed by scripts/setup.sh into .deps/python-tests).
"""
import json
import sys

import numpy as np
from PIL import Image
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    url, model, image_path = sys.argv[1:]
    # RGB, height x width x 3, as the model metadata asks: UINT8 [1,-1,-1,3].
    with Image.open(image_path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.uint8)[np.newaxis, ...]

    client = httpclient.InferenceServerClient(url=url, network_timeout=300.0, connection_timeout=60.0)
    summary = {"image_shape": list(pixels.shape), "errors": {}, "top1": {}, "variants": {}}

    def call(name, function, into=summary):
        try:
            value = function()
            into[name] = value
            return value
        except (InferenceServerException, Exception) as error:  # report, keep going
            summary["errors"][name] = f"{type(error).__name__}: {error}"
            return None

    call("server_live", client.is_server_live)
    call("server_ready", client.is_server_ready)
    call("server_metadata", client.get_server_metadata)
    call("repository_index", client.get_model_repository_index)
    call("model_ready_before", lambda: client.is_model_ready(model))
    metadata = call("model_metadata", lambda: client.get_model_metadata(model))
    input_name = metadata["inputs"][0]["name"] if metadata else "image"
    output_name = metadata["outputs"][0]["name"] if metadata else "probabilities"

    for binary_in in (False, True):
        for binary_out in (False, True, None):
            variant = f"input_{'binary' if binary_in else 'json'}_output_" + \
                {False: "json", True: "binary", None: "default"}[binary_out]

            def infer():
                tensor = httpclient.InferInput(input_name, list(pixels.shape), "UINT8")
                tensor.set_data_from_numpy(pixels, binary_data=binary_in)
                # No outputs named: the client asks for every output in binary (binary_data_output).
                outputs = None if binary_out is None else [
                    httpclient.InferRequestedOutput(output_name, binary_data=binary_out)]
                result = client.infer(model, [tensor], outputs=outputs, request_id=variant)
                probabilities = result.as_numpy(output_name)
                response = result.get_response()
                return {
                    "top1": int(np.argmax(probabilities)),
                    "shape": list(probabilities.shape),
                    "dtype": str(probabilities.dtype),
                    "sum": float(probabilities.sum()),
                    "id": response.get("id"),
                    "model_name": response.get("model_name"),
                }

            answer = call(variant, infer, into=summary["variants"])
            if answer:
                summary["top1"][variant] = answer["top1"]

    # The classification extension (GET /v2 lists it): the top 3 as "probability:index:label" strings.
    for binary_out in (False, True):
        def classify():
            tensor = httpclient.InferInput(input_name, list(pixels.shape), "UINT8")
            tensor.set_data_from_numpy(pixels, binary_data=True)
            output = httpclient.InferRequestedOutput(output_name, binary_data=binary_out, class_count=3)
            result = client.infer(model, [tensor], outputs=[output])
            strings = [x.decode() if isinstance(x, bytes) else str(x) for x in result.as_numpy(output_name).flatten()]
            return {"top1": int(strings[0].split(":")[1]), "strings": strings}

        call(f"classification_output_{'binary' if binary_out else 'json'}", classify, into=summary["variants"])

    # Compression the client offers: inferd answers uncompressed (allowed) and refuses a compressed
    # request body. Recorded, not counted as errors.
    summary["compression"] = {}
    for name, options in (("response_gzip", {"response_compression_algorithm": "gzip"}),
                          ("request_gzip", {"request_compression_algorithm": "gzip"})):
        tensor = httpclient.InferInput(input_name, list(pixels.shape), "UINT8")
        tensor.set_data_from_numpy(pixels, binary_data=True)
        try:
            result = client.infer(model, [tensor], **options)
            summary["compression"][name] = {"top1": int(np.argmax(result.as_numpy(output_name)))}
        except InferenceServerException as error:
            summary["compression"][name] = {"status": error.status(), "message": error.message()}

    call("model_ready_after", lambda: client.is_model_ready(model))
    client.close()
    print(json.dumps(summary, indent=1))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
