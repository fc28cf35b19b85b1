import Foundation
import InferdWire
import NIOCore
import NIOHTTP1

/// Handlers of the Open Inference Protocol (KServe v2) and Triton's repository extension.
struct OpenInferenceHandlers: Sendable {
    let service: InferenceService

    /// Extensions `GET /v2` advertises.
    static let extensions = ["classification", "model_repository", "binary_tensor_data"]

    private struct Liveness: Encodable { var live: Bool }
    private struct Readiness: Encodable { var ready: Bool; var draining: Bool }

    /// `GET /v2/health/live`: the process answers.
    func live(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(Liveness(live: true))
    }

    /// `GET /v2/health/ready`: 200 once listening and preloaded, 503 before that and while draining.
    func ready(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let state = service.state
        return .json(Readiness(ready: state.isReady, draining: state.isDraining),
                     status: state.isReady ? .ok : .serviceUnavailable)
    }

    /// `GET /v2`.
    func serverMetadata(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(OpenInference.ServerMetadata(name: InferenceService.serverName, version: InferenceService.version,
                                           extensions: Self.extensions))
    }

    /// `GET /v2/models/{name}[/versions/{version}]`.
    func modelMetadata(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let name = try Self.modelName(request)
        return .json(try await service.metadata(model: name))
    }

    /// `GET /v2/models/{name}/ready`: 200 when warm; 400 when a request would pay a cold start or the
    /// model failed (the body says which), 404 for an unknown model.
    func modelReady(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let name = try Self.modelName(request)
        let summary = try await service.model(name)
        let ready = summary.state == .warm
        return .json(OpenInference.ModelReadiness(name: name, ready: ready, state: summary.state.rawValue),
                     status: ready ? .ok : .badRequest)
    }

    /// `POST /v2/models/{name}/infer`: one `UINT8 [1,H,W,3]` RGB input (JSON `data` or binary), the
    /// probabilities `FP32 [1,classes]` as JSON or binary (`binary_data` on the output or
    /// `binary_data_output` on the request), or the top N as strings (`classification: N` on the
    /// output). A compressed body (`Content-Encoding`) is refused with 415.
    func infer(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let name = try Self.modelName(request)
        let labels = try service.bundle(name).labels
        if let encoding = request.headers.first(name: "Content-Encoding"), encoding.lowercased() != "identity" {
            // The stock Triton client sends gzip or deflate when asked (request_compression_algorithm).
            throw InferdError(.unsupportedMediaType, "Content-Encoding \(encoding) is not supported: send the request uncompressed")
        }
        let headerLength = request.headers.first(name: BinaryTensorBody.headerLengthField)
        let body = request.body
        // A JSON tensor of a large image is millions of numbers: parse it off the cooperative pool.
        let (parsed, input, bytes) = try await InferenceService.blocking { () throws(InferdError) in
            try Self.parse(body, headerLength: headerLength, model: name)
        } map: { $0 }
        let result = try await service.infer(model: name, tensor: ImageTensor(name: input.name, shape: input.shape,
                                                                            datatype: input.datatype, bytes: bytes))
        return try Self.answer(result, to: parsed, labels: labels)
    }

    /// `POST /v2/repository/index` with an optional `{"ready": true}` body.
    func repositoryIndex(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        var readyOnly = false
        if request.body.readableBytes > 0 {
            readyOnly = try JSONCoding.decode(OpenInference.RepositoryIndexRequest.self, from: request.bodyBytes,
                                              what: "repository index request").ready ?? false
        }
        return .json(await service.repositoryIndex(readyOnly: readyOnly))
    }

    /// `POST /v2/repository/models/{name}/load`: loads now (answers when warm).
    func repositoryLoad(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.load(request.parameter("name")))
    }

    /// `POST /v2/repository/models/{name}/unload`.
    func repositoryUnload(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        .json(try await service.unload(request.parameter("name")))
    }

    // MARK: Helpers

    /// Splits and decodes an `/infer` body: the request, its one input and that input's bytes.
    static func parse(_ body: ByteBuffer, headerLength: String?, model name: String) throws(InferdError)
        -> (OpenInference.InferenceRequest, OpenInference.RequestInput, [UInt8]) {
        let (json, binaryPart) = try BinaryTensorBody.split(body, headerLength: headerLength)
        var binary = binaryPart
        let request = try JSONCoding.decode(OpenInference.InferenceRequest.self, from: json, what: "inference request")
        guard request.inputs.count == 1, let input = request.inputs.first else {
            throw InferdError(.badRequest, "\(name) takes exactly one input (an RGB image tensor), got \(request.inputs.count)")
        }
        let bytes: [UInt8]
        if let size = input.parameters?["binary_data_size"] {
            guard let size = size.intValue else { throw InferdError(.badRequest, "input \(input.name): binary_data_size must be an integer") }
            bytes = try BinaryTensorBody.take(size, for: input.name, from: &binary)
        } else if let data = input.data {
            bytes = try pixelBytes(data.values, input: input.name)
        } else {
            throw InferdError(.badRequest, "input \(input.name) has neither data nor parameters.binary_data_size")
        }
        return (request, input, bytes)
    }

    /// The `{name}` parameter, checking `{version}` (only version "1" exists).
    static func modelName(_ request: HTTPRequest) throws(InferdError) -> String {
        let name = request.parameter("name")
        if let version = request.parameters["version"], version != "1" {
            throw InferdError(.unknownModel, "model \(name) has no version \(version) (only 1)")
        }
        return name
    }

    /// JSON numbers to pixel bytes: every value must be an integer 0...255.
    static func pixelBytes(_ values: [Double], input: String) throws(InferdError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count)
        for (i, value) in values.enumerated() {
            guard value >= 0, value <= 255, value == value.rounded() else {
                throw InferdError(.badRequest, "input \(input): element \(i) is \(value), not a UINT8 (0...255)")
            }
            bytes[i] = UInt8(value)
        }
        return bytes
    }

    /// Builds the answer: JSON `data`, or the binary extension when the request asks for it; with the
    /// classification extension (`parameters.classification: N` on the output) the top N classes as a
    /// `BYTES [1,N]` tensor of `"probability:index:label"` strings, as Triton answers.
    static func answer(_ result: TensorResult, to request: OpenInference.InferenceRequest,
                       labels: [String] = []) throws(InferdError) -> HTTPResponse {
        let outputName = result.output.name
        var binary = request.parameters?["binary_data_output"]?.boolValue ?? false
        var classCount: Int?
        if let wanted = request.outputs, !wanted.isEmpty {
            for output in wanted where output.name != outputName {
                throw InferdError(.badRequest, "unknown output \"\(output.name)\"; \(result.model) has \"\(outputName)\"")
            }
            if let flag = wanted.first?.parameters?["binary_data"]?.boolValue { binary = flag }
            if let count = wanted.first?.parameters?["classification"] {
                guard let count = count.intValue, count > 0 else {
                    throw InferdError(.badRequest, "output \(outputName): parameters.classification must be a positive integer")
                }
                classCount = Int(min(count, Int64(result.values.count)))
            }
        }
        let timings = result.timings
        let parameters: [String: OpenInference.Parameter] = [
            "cold": .bool(result.cold), "queue_ms": .double(timings.queue), "load_ms": .double(timings.load),
            "compute_ms": .double(timings.compute), "total_ms": .double(timings.total),
        ]
        var output: OpenInference.ResponseOutput
        var payload: [UInt8] = []
        if let classCount {
            let top = result.values.indices.sorted { result.values[$0] > result.values[$1] }.prefix(classCount)
            let strings = top.map { index in
                String(format: "%f:%d", result.values[index], index) + (index < labels.count ? ":" + labels[index] : "")
            }
            output = OpenInference.ResponseOutput(name: outputName, shape: [1, Int64(strings.count)], datatype: "BYTES",
                                                  parameters: nil, data: nil, strings: binary ? nil : strings)
            // Binary BYTES elements: a 4-byte little-endian length, then the bytes.
            if binary {
                for string in strings {
                    let utf8 = Array(string.utf8)
                    withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { payload += $0 }
                    payload += utf8
                }
            }
        } else {
            output = OpenInference.ResponseOutput(name: outputName, shape: result.output.shape, datatype: "FP32",
                                                  parameters: nil, data: binary ? nil : result.values)
            if binary {
                payload.reserveCapacity(result.values.count * MemoryLayout<Float>.size)
                for value in result.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { payload += $0 } }
            }
        }
        if binary { output.parameters = ["binary_data_size": .int(Int64(payload.count))] }
        let response = OpenInference.InferenceResponse(modelName: result.model, modelVersion: "1", id: request.id,
                                                       parameters: parameters, outputs: [output])
        guard binary else { return .json(response) }
        let header = HTTPResponse.json(response)
        guard header.status == .ok else { return header }
        var body = header.body
        let headerLength = body.readableBytes
        body.writeBytes(payload)
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream",
                                                   BinaryTensorBody.headerLengthField: String(headerLength)], body: body)
    }
}
