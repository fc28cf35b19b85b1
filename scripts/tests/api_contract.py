#!/usr/bin/env python3
"""Checks live answers of a running inferd against docs/openapi.yaml.

    api_contract.py validate BASE_URL SAMPLE_JPEG   # typical calls, each answer against its schema
    api_contract.py fuzz BASE_URL [MAX_EXAMPLES]    # schemathesis from the spec, then the daemon still answers

Prints one JSON line: {"checked": [...], "errors": [...]} (validate) and exits 0 only when every answer
matches (status documented, content type, body schema). Needs .deps/python-schemathesis on
PYTHONPATH (jsonschema_rs and PyYAML come with schemathesis).
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import jsonschema_rs
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_PATH = os.path.join(ROOT, "docs", "openapi.yaml")


def load_spec():
    with open(SPEC_PATH) as f:
        return yaml.safe_load(f)


def call(base, method, path, body=None, content_type=None):
    request = urllib.request.Request(base + path, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        parts = node["$ref"].lstrip("#/").split("/")
        node = spec
        for part in parts:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def inline(spec, node):
    """`node` with every `#/...` reference replaced by what it points at (the spec has no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(spec, resolve(spec, node))
        return {key: inline(spec, value) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(spec, value) for value in node]
    return node


def check(spec, template, method, status, content_type, body):
    """Errors of one answer against the operation `method template` in the spec."""
    operation = spec["paths"].get(template, {}).get(method.lower())
    if operation is None:
        return [f"{method} {template} is not in the spec"]
    responses = operation["responses"]
    key = str(status) if str(status) in responses else "default"
    if key not in responses:
        return [f"{method} {template}: status {status} not documented"]
    response = resolve(spec, responses[key])
    media = content_type.split(";")[0].strip()
    content = response.get("content", {})
    if media not in content:
        return [f"{method} {template} {status}: content type {media!r} not documented ({list(content)})"]
    if media != "application/json":
        return []
    validator = jsonschema_rs.Draft202012Validator(inline(spec, content[media]["schema"]))
    try:
        instance = json.loads(body)
    except ValueError as error:
        return [f"{method} {template} {status}: not JSON: {error}"]
    return [f"{method} {template} {status}: {e.message} at {list(e.instance_path)}" for e in validator.iter_errors(instance)]


def validate(base, sample):
    spec = load_spec()
    with open(sample, "rb") as f:
        jpeg = f.read()
    model = "squeezenet"
    _, _, body = call(base, "GET", f"/v2/models/{model}")
    metadata = json.loads(body)
    image_input, output = metadata["inputs"][0]["name"], metadata["outputs"][0]["name"]
    calls = [
        ("GET", "/v1/status", "/v1/status", None, None),
        ("GET", "/v1/models", "/v1/models", None, None),
        ("GET", "/v1/models/{name}", f"/v1/models/{model}", None, None),
        ("GET", "/v2/models/{name}/ready", f"/v2/models/{model}/ready", None, None),  # cold: 400
        ("POST", "/v1/models/{name}/classify", f"/v1/models/{model}/classify?top=3", jpeg, "image/jpeg"),
        ("GET", "/v1/models/{name}", f"/v1/models/{model}", None, None),  # warm now
        ("GET", "/v1/models/{name}", "/v1/models/no-such-model", None, None),  # 404
        ("POST", "/v1/models/{name}/classify", f"/v1/models/{model}/classify", b"not an image", "image/jpeg"),
        ("GET", "/v1/models/{name}/classify", f"/v1/models/{model}/classify", None, None),  # 405 via default
        ("POST", "/v1/models/{name}/load", f"/v1/models/{model}/load", None, None),  # 403 over TCP without a token
        ("GET", "/v2", "/v2", None, None),
        ("GET", "/v2/health/live", "/v2/health/live", None, None),
        ("GET", "/v2/health/ready", "/v2/health/ready", None, None),
        ("GET", "/v2/models/{name}", f"/v2/models/{model}", None, None),
        ("GET", "/v2/models/{name}/ready", f"/v2/models/{model}/ready", None, None),
        ("POST", "/v2/models/{name}/infer", f"/v2/models/{model}/infer",
         json.dumps({"inputs": [{"name": image_input, "shape": [1, 2, 2, 3], "datatype": "UINT8", "data": list(range(12))}],
                     "outputs": [{"name": output, "parameters": {"classification": 2}}]}).encode(), "application/json"),
        ("POST", "/v2/models/{name}/infer", f"/v2/models/{model}/infer",
         json.dumps({"inputs": [{"name": image_input, "shape": [1, 2, 2, 3], "datatype": "UINT8", "data": list(range(12))}]}).encode(),
         "application/json"),
        ("POST", "/v2/repository/index", "/v2/repository/index", b"{}", "application/json"),
        ("GET", "/metrics", "/metrics", None, None),
    ]
    checked, errors = [], []
    for method, template, path, body, content_type in calls:
        if method == "GET" and template == "/v1/models/{name}/classify":
            status, media, answer = call(base, "GET", path)
            template, method = "/v1/models/{name}/classify", "POST"  # 405 answers with the Error schema
        else:
            status, media, answer = call(base, method, path, body, content_type)
        checked.append(f"{method} {path} {status}")
        errors += check(spec, template, method, status, media, answer)
    print(json.dumps({"checked": checked, "errors": errors}))
    return 0 if not errors else 1


def fuzz(base, max_examples):
    command = [sys.executable, "-m", "schemathesis.cli", "run", SPEC_PATH, "--url", base,
               "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                           "response_schema_conformance",
               "--max-examples", str(max_examples), "--phases", "examples,coverage,fuzzing",
               "--request-timeout", "120", "--seed", "14", "--no-color", "--suppress-health-check", "all"]
    # In a scratch folder: schemathesis keeps a cache (.schemathesis/) in its working directory; so
    # PYTHONPATH must not be relative.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)
    with tempfile.TemporaryDirectory(prefix="inferd-schemathesis-") as scratch:
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=scratch, env=env)
    sys.stdout.write(result.stdout[-20000:])
    sys.stderr.write(result.stderr[-5000:])
    return result.returncode


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "validate":
        sys.exit(validate(sys.argv[2].rstrip("/"), sys.argv[3]))
    if len(sys.argv) >= 3 and sys.argv[1] == "fuzz":
        sys.exit(fuzz(sys.argv[2].rstrip("/"), int(sys.argv[3]) if len(sys.argv) > 3 else 10))
    sys.exit(__doc__)
