import Core
import Synchronization

/// Classifies images on a remote server: a remote inferd through its classify route (the encoded image
/// is uploaded), or any Open Inference Protocol server (Triton, KServe, OpenVINO Model Server, or inferd's
/// own `/v2`) by decoding and preprocessing here from the model's metadata and sending a tensor.
///
/// With ``RemoteProtocol/auto`` the first request tries `POST /v1/models/{m}/classify`; when the server
/// answers 404 (or 405/501) without an inferd error for a model — the route does not exist — the
/// classifier remembers that the server is not an inferd and uses OIP for every later request.
///
/// On the OIP path the model's metadata is fetched once per model and cached for the life of the
/// classifier (one classifier talks to one endpoint). The image is decoded with DCT scaling to the
/// smallest size needed (the input's fixed size, or inferd's `network_width`/`network_height`), centre-
/// cropped when the model's bundle is known locally (``catalog``) and its manifest says so, prepared by
/// ``TensorPreparer`` and sent. Outputs that are not already probabilities (they do not sum to 1) get a
/// softmax. Labels come from the local bundle when known, else are `class N`.
///
/// Reusable by the daemon for offloading: a `Sendable` class whose caches are behind a mutex.
public final class RemoteClassifier: Sendable {
    /// Who downscales the image on the inferd protocol: as inferctl's `--resize`. (On OIP the image is
    /// always decoded here, with DCT scaling to the smallest size the model needs.)
    public enum ResizeSide: String, Sendable, CaseIterable {
        /// Decode, downscale and re-encode as JPEG here, then upload (``ClientResizer``).
        case client
        /// Upload the original bytes; the server decodes and resizes.
        case server
    }

    /// The client of the remote server.
    public let client: InferdClient
    /// The protocol asked for (``RemoteProtocol/auto`` learns).
    public let requestedProtocol: RemoteProtocol
    /// Local model bundles: labels, crop rule and normalisation of models known here.
    public let catalog: ModelCatalog?
    /// Normalisation for `FP32` inputs, overriding what the metadata or the manifest says.
    public let normalization: TensorNormalization?
    /// See ``ResizeSide``.
    public let resize: ResizeSide
    /// Sent as the request's `offload` mode to a remote inferd: the daemon sends `never`, so a remote
    /// that offloads too never passes the request on (two daemons offloading to each other would
    /// otherwise bounce it); nil leaves the remote's own mode.
    public let remoteOffload: OffloadMode?
    /// Where the OIP path decodes and prepares tensors (the daemon: its compute pool's offload lane).
    public let executor: any BlockingExecutor

    private struct State {
        var learned: RemoteProtocol?
        var specs: [String: TensorInputSpec] = [:]
    }
    private let state = Mutex(State())

    /// A classifier of images on `client`'s endpoint.
    public init(client: InferdClient, protocol requested: RemoteProtocol = .auto, catalog: ModelCatalog? = nil,
                normalization: TensorNormalization? = nil, resize: ResizeSide = .server, remoteOffload: OffloadMode? = nil,
                executor: any BlockingExecutor = BlockingWork.executor) {
        self.client = client
        self.executor = executor
        self.remoteOffload = remoteOffload
        self.requestedProtocol = requested
        self.catalog = catalog
        self.normalization = normalization
        self.resize = resize
        if requested != .auto { state.withLock { $0.learned = requested } }
    }

    /// The protocol in use: the one asked for, or what ``RemoteProtocol/auto`` learned; nil before
    /// the first answer in auto mode.
    public var protocolInUse: RemoteProtocol? { state.withLock { $0.learned } }

    /// Classifies the encoded image `image` (JPEG or PNG) with `model`, returning the `top` best classes.
    ///
    /// - Parameters:
    ///   - header: the image's header when the caller has read it already (the OIP path then does not
    ///     read it again).
    ///   - deadline: everything — metadata, decoding, the exchange — ends by then (or the client's timeout).
    /// - Throws: ``ClientError`` for the exchange (`.daemonUnreachable`, `.requestFailed` with the
    ///   server's reason, …); on the OIP path also ``ImageError`` when the image cannot be decoded and
    ///   ``TensorPreparationError`` when the model's metadata describes an input this client cannot build.
    public func classify(model: String, image: [UInt8], top: Int = 5, header: ImageHeader? = nil,
                         deadline: ContinuousClock.Instant? = nil) async throws -> RemoteClassification {
        switch protocolInUse {
        case .oip?:
            return try await classifyWithTensor(model: model, image: image, top: top, header: header, deadline: deadline)
        case .inferd?:
            return try await classifyWithImage(model: model, image: image, top: top, deadline: deadline)
        case .auto?, nil:
            do {
                let result = try await classifyWithImage(model: model, image: image, top: top, deadline: deadline)
                state.withLock { $0.learned = .inferd }
                return result
            } catch let error as ClientError where Self.isMissingRoute(error) {
                state.withLock { $0.learned = .oip }
                return try await classifyWithTensor(model: model, image: image, top: top, header: header, deadline: deadline)
            }
        }
    }

    /// True when `error` says the classify route does not exist (not that the model is unknown): a
    /// 404, 405 or 501 whose body is not an inferd error about the request.
    static func isMissingRoute(_ error: ClientError) -> Bool {
        guard error.code == .requestFailed, let status = error.status, [404, 405, 501].contains(status) else { return false }
        guard let code = error.body?.code else { return true }
        return code == .notFound || code == .methodNotAllowed
    }

    // MARK: inferd's classify route

    private func classifyWithImage(model: String, image: [UInt8], top: Int, deadline: ContinuousClock.Instant?) async throws -> RemoteClassification {
        let watch = Stopwatch()
        var body = image
        var resizeMs: Double?
        var originalSize: (width: Int, height: Int)?
        if resize == .client {
            let size: (width: Int, height: Int)? = if let bundle = catalog?[model] {
                InputGeometry(manifest: bundle.manifest).minimumDecodeSize
            } else {
                try await spec(for: model, deadline: deadline).minimumDecodeSize
            }
            if let size {
                let resized = try ClientResizer.resize(image, minimumSize: size)
                body = resized.bytes
                resizeMs = resized.milliseconds
                originalSize = (resized.originalWidth, resized.originalHeight)
            }
        }
        let result = try await client.classify(model: model, image: body, top: top, offload: remoteOffload, deadline: deadline)
        let answer = result.response
        return RemoteClassification(
            protocolUsed: .inferd, model: answer.model, labels: answer.labels, cold: answer.cold,
            network: result.remoteTimings, endToEnd: watch.elapsedMilliseconds, clientResize: resizeMs,
            imageBytes: image.count, payloadBytes: body.count,
            originalWidth: originalSize?.width ?? answer.image.width, originalHeight: originalSize?.height ?? answer.image.height,
            decodedWidth: answer.image.decodedWidth, decodedHeight: answer.image.decodedHeight,
            softmaxApplied: false, inferd: result)
    }

    // MARK: Open Inference Protocol

    /// The cached input description of `model`, fetching the metadata the first time.
    public func spec(for model: String, deadline: ContinuousClock.Instant? = nil) async throws -> TensorInputSpec {
        if let known = state.withLock({ $0.specs[model] }) { return known }
        let metadata = try await client.modelMetadata(model, deadline: deadline)
        let spec = try TensorInputSpec(metadata: metadata)
        state.withLock { $0.specs[model] = spec }
        return spec
    }

    private func classifyWithTensor(model: String, image: [UInt8], top: Int, header: ImageHeader?,
                                    deadline: ContinuousClock.Instant?) async throws -> RemoteClassification {
        let watch = Stopwatch()
        let spec = try await spec(for: model, deadline: deadline)
        let bundle = catalog?[model]
        let geometry = bundle.map { InputGeometry(manifest: $0.manifest) }
        // Decoded as inferd's classify route decodes: DCT-scaled to the smallest size the model needs.
        let decodeSize = geometry?.minimumDecodeSize ?? spec.minimumDecodeSize
        let normalization = self.normalization ?? spec.normalization ?? bundle.map { TensorNormalization($0.manifest.normalize) }
        // Decoding and resizing are CPU work: off the cooperative pool (the daemon offloads with this).
        let (decoded, tensor, decodeMs, preprocessMs) = try await executor.run(deadline: deadline) {
            let decodeWatch = Stopwatch()
            let options = DecodeOptions(minimumSize: decodeSize)
            let decoded = try header.map { try ImageDecoder.decode(image, header: $0, options: options) }
                ?? ImageDecoder.decode(image, options: options)
            let decodeMs = decodeWatch.elapsedMilliseconds
            let preprocessWatch = Stopwatch()
            var pixels = decoded.pixels
            if let geometry {
                let region = geometry.cropRegion(width: pixels.width, height: pixels.height)
                pixels = pixels.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
            }
            let tensor = TensorPreparer.tensor(from: pixels, for: spec, normalization: normalization)
            return (decoded, tensor, decodeMs, preprocessWatch.elapsedMilliseconds)
        }

        let inference = try await client.infer(model: model, tensor: tensor, deadline: deadline)
        let (probabilities, softmaxApplied) = Self.probabilities(inference.values)
        let labels = Postprocess.topK(probabilities, k: top).map { entry in
            let names = bundle?.labels ?? []
            return ClassLabel(index: entry.index, label: entry.index < names.count ? names[entry.index] : "class \(entry.index)",
                              probability: entry.score)
        }
        return RemoteClassification(
            protocolUsed: .oip, model: model, labels: labels, cold: inference.cold, network: inference.timings,
            endToEnd: watch.elapsedMilliseconds, clientDecode: decodeMs, clientPreprocess: preprocessMs,
            imageBytes: image.count, payloadBytes: tensor.bytes.count,
            originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight,
            decodedWidth: decoded.pixels.width, decodedHeight: decoded.pixels.height,
            tensorShape: tensor.shape, softmaxApplied: softmaxApplied, inferd: nil)
    }

    /// `values` as probabilities: as they are when they already are (each in 0…1, summing to 1 within
    /// 1e-3), else their softmax. Returns whether softmax was applied.
    static func probabilities(_ values: [Float]) -> ([Float], Bool) {
        let sum = values.reduce(Float(0), +)
        if values.allSatisfy({ $0 >= 0 && $0 <= 1 }), abs(sum - 1) < 1e-3 { return (values, false) }
        return (Postprocess.softmax(values), true)
    }
}
