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

    /// `GET /v2/models/{name}[/versions/{version}]/config`: Triton's model configuration, so
    /// `perf_analyzer` and Triton's clients work against inferd directly.
    func modelConfig(_ request: HTTPRequest) async throws(InferdError) -> HTTPResponse {
        let name = try Self.modelName(request)
        return .json(try await service.tritonConfig(model: name))
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
        let maxPixels = service.limits.maxImagePixels
        // Everything but the pixels first (shape and datatype checked), then the pixels straight into
        // the model's input buffer. The pixels are at most the body's size, which the HTTP server
        // charged twice to the in-flight cap.
        let decode = { @Sendable () throws(InferdError) in
            let frame = try InferenceRequestDecoder.frame(body, headerLength: headerLength, model: name, maxPixels: maxPixels)
            return (frame.request, try InferenceRequestDecoder.tensor(frame, body: body))
        }
        // A small binary request (a JSON header and a copy of up to a megabyte) is framed here: the
        // hop to a pool thread and back cost more than the work (~0.25 ms at 224x224). A JSON tensor
        // or a large binary one goes to the compute pool.
        let tensor = if InferenceRequestDecoder.isCheapToFrame(body, headerLength: headerLength) {
            try decode()
        } else {
            try await service.run(.local, deadline: .now + service.limits.queueTimeout, decode) { $0 }
        }
        let result = try await service.infer(model: name, tensor: tensor.1)
        return try Self.answer(result, to: tensor.0, labels: labels).placed(.local)
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

    /// The `{name}` parameter, checking `{version}` (only version "1" exists).
    static func modelName(_ request: HTTPRequest) throws(InferdError) -> String {
        let name = request.parameter("name")
        if let version = request.parameters["version"], version != "1" {
            throw InferdError(.unknownModel, "model \(name) has no version \(version) (only 1)")
        }
        return name
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
        // The binary extension's bytes after the JSON header: BYTES elements (a 4-byte little-endian
        // length, then the bytes), or the FP32 values as they lie in memory on a little-endian host.
        var strings: [[UInt8]] = []
        let payloadSize: Int
        if let classCount {
            let top = result.values.indices.sorted { result.values[$0] > result.values[$1] }.prefix(classCount)
            let texts = top.map { index in
                String(format: "%f:%d", result.values[index], index) + (index < labels.count ? ":" + labels[index] : "")
            }
            output = OpenInference.ResponseOutput(name: outputName, shape: [1, Int64(texts.count)], datatype: "BYTES",
                                                  parameters: nil, data: nil, strings: binary ? nil : texts)
            strings = texts.map { Array($0.utf8) }
            payloadSize = strings.reduce(0) { $0 + 4 + $1.count }
        } else {
            output = OpenInference.ResponseOutput(name: outputName, shape: result.output.shape, datatype: "FP32",
                                                  parameters: nil, data: binary ? nil : result.values)
            payloadSize = result.values.count * MemoryLayout<Float>.size
        }
        if binary { output.parameters = ["binary_data_size": .int(Int64(payloadSize))] }
        let response = OpenInference.InferenceResponse(modelName: result.model, modelVersion: "1", id: request.id,
                                                       parameters: parameters, outputs: [output])
        let header = response.jsonText
        guard binary else { return .json(bytes: header) }
        var body = ByteBuffer()
        body.reserveCapacity(header.count + payloadSize)
        body.writeBytes(header)
        if classCount != nil {
            for string in strings {
                body.writeInteger(UInt32(string.count), endianness: .little)
                body.writeBytes(string)
            }
        } else {
            #if _endian(little)
            result.values.withUnsafeBytes { _ = body.writeBytes($0) }
            #else
            for value in result.values { body.writeInteger(value.bitPattern, endianness: .little) }
            #endif
        }
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/octet-stream",
                                                   BinaryTensorBody.headerLengthField: String(header.count)], body: body)
    }
}
