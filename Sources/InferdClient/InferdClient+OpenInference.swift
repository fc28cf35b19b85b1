import InferdRuntime
import InferdWire

/// The Open Inference Protocol (KServe v2) calls, which inferd, Triton, KServe and OpenVINO Model
/// Server all answer: metadata, readiness and `/infer` with the binary tensor extension.
extension InferdClient {
    /// The request and response header that says how long the JSON part of a binary body is.
    public static let inferenceHeaderLengthField = "Inference-Header-Content-Length"

    /// Who answers and which protocol extensions it has (`GET /v2`).
    public func serverMetadata() async throws(ClientError) -> OpenInference.ServerMetadata {
        try decode(try await send("GET", "/v2"))
    }

    /// A model's inputs, outputs and parameters (`GET /v2/models/{name}`).
    public func modelMetadata(_ name: String) async throws(ClientError) -> OpenInference.ModelMetadata {
        try decode(try await send("GET", "/v2/models/\(Self.escape(name))"))
    }

    /// True when the server says `name` is ready (`GET /v2/models/{name}/ready` answers 200). inferd
    /// answers 400 for a model that would pay a cold start; an unknown model throws `.requestFailed` 404.
    public func isModelReady(_ name: String) async throws(ClientError) -> Bool {
        let response = try await send("GET", "/v2/models/\(Self.escape(name))/ready", acceptingAnyStatus: true)
        if response.status == 404 { throw ClientError.failed(status: 404, body: response.body, endpoint: endpoint) }
        return response.status == 200
    }

    /// Runs `model` on one input tensor (`POST /v2/models/{name}/infer`), sending it with the binary
    /// tensor extension (a JSON header, then the raw bytes) and asking for the outputs as binary.
    ///
    /// - Returns: the first output as floats (`FP32`, from binary or JSON `data`) with the exchange's
    ///   ``RemoteTimings``.
    /// - Throws: ``ClientError``: `.requestFailed` with the server's reason, `.badResponse` when the
    ///   answer has no output, a datatype other than `FP32`, or binary sizes that do not add up.
    public func infer(model: String, tensor: InputTensor) async throws(ClientError) -> InferenceResult {
        let request = OpenInference.InferenceRequest(
            parameters: ["binary_data_output": .bool(true)],
            inputs: [OpenInference.RequestInput(name: tensor.name, shape: tensor.shape, datatype: tensor.datatype,
                                                parameters: ["binary_data_size": .int(Int64(tensor.bytes.count))])])
        let header: [UInt8]
        do {
            header = try JSONCoding.encode(request)
        } catch {
            throw ClientError(.badResponse, "cannot encode the inference request: \(error)", endpoint: socketPath)
        }
        let response = try await send("POST", "/v2/models/\(Self.escape(model))/infer", body: header + tensor.bytes,
                                      contentType: "application/octet-stream",
                                      headers: [(Self.inferenceHeaderLengthField, String(header.count))])
        return try inferenceResult(response)
    }

    /// Runs `model` on one input tensor with the tensor and the outputs as JSON numbers (`data`): for
    /// servers without the binary tensor extension (MLServer). Several times the bytes of
    /// ``infer(model:tensor:)`` for the same tensor.
    ///
    /// - Returns and throws: as ``infer(model:tensor:)``.
    public func inferJSON(model: String, tensor: InputTensor) async throws(ClientError) -> InferenceResult {
        let request = OpenInference.InferenceRequest(
            inputs: [OpenInference.RequestInput(name: tensor.name, shape: tensor.shape, datatype: tensor.datatype,
                                                data: OpenInference.TensorData(tensor.numbers))])
        let body: [UInt8]
        do {
            body = try JSONCoding.encode(request)
        } catch {
            throw ClientError(.badResponse, "cannot encode the inference request: \(error)", endpoint: socketPath)
        }
        let response = try await send("POST", "/v2/models/\(Self.escape(model))/infer", body: body, contentType: "application/json")
        return try inferenceResult(response)
    }

    /// Splits and decodes an `/infer` answer.
    func inferenceResult(_ response: HTTPResponse) throws(ClientError) -> InferenceResult {
        let body = response.body
        var jsonPart = body
        var binaryPart = ArraySlice<UInt8>()
        if let field = response.header(Self.inferenceHeaderLengthField) {
            guard let length = Int(field.trimmingWhitespace), length >= 0, length <= body.count else {
                throw bad("its \(Self.inferenceHeaderLengthField) \(field) is not a length within the \(body.count)-byte body")
            }
            jsonPart = Array(body[..<length])
            binaryPart = body[length...]
        }
        let answer = try decode(OpenInference.InferenceResponse.self, from: jsonPart, status: response.status,
                                text: String(decoding: jsonPart.prefix(300), as: UTF8.self))
        guard let output = answer.outputs.first else { throw bad("the answer has no outputs") }
        guard output.datatype.uppercased() == "FP32" else {
            throw bad("output \(output.name) is \(output.datatype); only FP32 outputs (scores or probabilities) are understood")
        }
        let values: [Float]
        if let size = output.parameters?["binary_data_size"]?.intValue {
            guard size >= 0, size % 4 == 0, size <= Int64(binaryPart.count) else {
                throw bad("output \(output.name) declares \(size) binary bytes; \(binaryPart.count) follow the header")
            }
            let bytes = binaryPart.prefix(Int(size))
            values = stride(from: bytes.startIndex, to: bytes.endIndex, by: 4).map { i in
                Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            }
        } else if let data = output.data {
            values = data
        } else {
            throw bad("output \(output.name) has neither data nor binary_data_size")
        }
        let reported: Double? = switch answer.parameters?["total_ms"] {
        case .double(let value)?: value
        case .int(let value)?: Double(value)
        default: nil
        }
        return InferenceResult(response: answer, outputName: output.name, shape: output.shape, values: values,
                               timings: response.remoteTimings(remoteReported: reported))
    }

    private func bad(_ problem: String) -> ClientError {
        ClientError(.badResponse, "\(endpoint.isTCP ? endpoint.description : "inferd on \(socketPath)") sent an inference answer that cannot be used: \(problem)",
                    endpoint: socketPath)
    }
}
