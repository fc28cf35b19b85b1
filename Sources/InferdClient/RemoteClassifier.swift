import Core
import InferdRuntime
import InferdWire
import Synchronization

/// Classifies images on a remote server: a remote inferd through its classify route (the encoded image
/// is uploaded), or any Open Inference Protocol server (Triton, KServe, OpenVINO Model Server, or inferd's
/// own `/v2`) by decoding and preprocessing here from the model's metadata and sending a tensor.
///
/// With ``RemoteProtocol/auto`` the first request tries `POST /v1/models/{m}/classify`; when the server
/// answers 404 (or 405/501) without an inferd error for a model — the route does not exist — the
/// classifier remembers that the server is not an inferd and uses OIP for every later request.
///
/// On the OIP path the model's metadata is kept in a ``RemoteMetadataCache``: fetched before first use,
/// again once it is older than its `maxAge`, and again when an `/infer` fails in a way that could mean
/// the model changed (``mayMeanChangedModel(_:)``); when the new metadata describes a different input
/// the request is retried once with it and the change is reported to `onMetadataChange`. A remote that
/// cannot be reached has all its metadata refetched when it comes back (it may come back redeployed).
/// The tensor is built per a ``PreprocessingPlan`` (layout, size and datatype from the metadata;
/// normalisation and crop from explicit settings, else the metadata, else the local bundle — an FP32
/// input nothing describes is refused rather than guessed). The image is decoded with DCT scaling to
/// the smallest size needed. Outputs that are not already probabilities (they do not sum to 1) get a
/// softmax. Labels come from the local bundle when known, else are `class N`.
///
/// Tensors go with the binary tensor extension; a server that refuses them (any 4xx/5xx with its
/// metadata unchanged) and does not list `binary_tensor_data` in `GET /v2` gets them as JSON numbers
/// from then on (MLServer).
///
/// When the remote reports no time of its own (neither a `total_ms` parameter nor a `Server-Timing`
/// header), its time is estimated as the wait minus one round trip, the TCP handshake's
/// (``RemoteTimings/remoteEstimated``), so a caller still learns the network's share.
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
    /// Normalisation and crop stated for this remote, overriding what the metadata or the manifest says.
    public let preprocessing: PreprocessingSettings
    /// The remote's model metadata.
    public let metadata: RemoteMetadataCache
    /// Told when a remote model's metadata changed (it was redeployed): the daemon logs it.
    public let onMetadataChange: (@Sendable (RemoteMetadataChange) -> Void)?
    /// See ``ResizeSide``.
    public let resize: ResizeSide
    /// Sent as the request's `offload` mode to a remote inferd: the daemon sends `never`, so a remote
    /// that offloads too never passes the request on (two daemons offloading to each other would
    /// otherwise bounce it); nil leaves the remote's own mode.
    public let remoteOffload: OffloadMode?

    private let clock: @Sendable () -> Double

    private struct State {
        var learned: RemoteProtocol?
        /// The last TCP handshake's time, ms: the round trip a remote time estimate subtracts when an
        /// exchange reused a connection (connect 0).
        var roundTrip: Double?
        /// True once the server refused a binary tensor and took it as JSON (MLServer).
        var jsonTensors = false
    }
    private let state = Mutex(State())

    /// A classifier of images on `client`'s endpoint.
    ///
    /// - Parameters:
    ///   - metadataMaxAge: seconds a model's metadata is trusted before it is fetched again.
    ///   - clock: seconds on a monotonic clock, for the metadata's age (injected for tests).
    public init(client: InferdClient, protocol requested: RemoteProtocol = .auto, catalog: ModelCatalog? = nil,
                preprocessing: PreprocessingSettings = PreprocessingSettings(), resize: ResizeSide = .server,
                remoteOffload: OffloadMode? = nil, metadataMaxAge: Double = RemoteMetadataCache.defaultMaxAge,
                onMetadataChange: (@Sendable (RemoteMetadataChange) -> Void)? = nil,
                clock: @escaping @Sendable () -> Double = { Stopwatch.monotonicSeconds() }) {
        self.client = client
        self.remoteOffload = remoteOffload
        self.requestedProtocol = requested
        self.catalog = catalog
        self.preprocessing = preprocessing
        self.resize = resize
        self.metadata = RemoteMetadataCache(maxAge: metadataMaxAge)
        self.onMetadataChange = onMetadataChange
        self.clock = clock
        if requested != .auto { state.withLock { $0.learned = requested } }
    }

    /// The protocol in use: the one asked for, or what ``RemoteProtocol/auto`` learned; nil before
    /// the first answer in auto mode.
    public var protocolInUse: RemoteProtocol? { state.withLock { $0.learned } }

    /// Classifies the encoded image `image` (JPEG or PNG) with `model`, returning the `top` best classes.
    ///
    /// - Throws: ``ClientError`` for the exchange (`.daemonUnreachable`, `.requestFailed` with the
    ///   server's reason, …); on the OIP path also ``ImageError`` when the image cannot be decoded and
    ///   ``TensorPreparationError`` when the model's metadata describes an input this client cannot build.
    public func classify(model: String, image: [UInt8], top: Int = 5) async throws -> RemoteClassification {
        switch protocolInUse {
        case .oip?:
            return try await classifyWithTensor(model: model, image: image, top: top)
        case .inferd?:
            return try await classifyWithImage(model: model, image: image, top: top)
        case .auto?, nil:
            do {
                let result = try await classifyWithImage(model: model, image: image, top: top)
                state.withLock { $0.learned = .inferd }
                return result
            } catch let error as ClientError where Self.isMissingRoute(error) {
                state.withLock { $0.learned = .oip }
                return try await classifyWithTensor(model: model, image: image, top: top)
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

    private func classifyWithImage(model: String, image: [UInt8], top: Int) async throws -> RemoteClassification {
        let watch = Stopwatch()
        var body = image
        var resizeMs: Double?
        var originalSize: (width: Int, height: Int)?
        if resize == .client {
            let size: (width: Int, height: Int)? = if let bundle = catalog?[model] {
                InputGeometry(manifest: bundle.manifest).minimumDecodeSize
            } else {
                try await spec(for: model).minimumDecodeSize
            }
            if let size {
                let resized = try ClientResizer.resize(image, minimumSize: size)
                body = resized.bytes
                resizeMs = resized.milliseconds
                originalSize = (resized.originalWidth, resized.originalHeight)
            }
        }
        let result = try await client.classify(model: model, image: body, top: top, offload: remoteOffload)
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

    /// The input description of `model`, from the cached metadata (fetched when missing or stale).
    public func spec(for model: String) async throws -> TensorInputSpec {
        try await plan(for: model).spec
    }

    /// How to build `model`'s tensor, from the cached metadata (fetched when missing, stale, or
    /// `refresh`). Returns whether the metadata changed since it was last fetched.
    ///
    /// - Throws: ``ClientError`` fetching; ``TensorPreparationError`` when the metadata describes an
    ///   input this client cannot build, or an FP32 input nothing says how to normalise.
    public func plan(for model: String, refresh: Bool = false) async throws -> PreprocessingPlan {
        try await resolvePlan(for: model, refresh: refresh).plan
    }

    private func resolvePlan(for model: String, refresh: Bool) async throws -> (plan: PreprocessingPlan, changed: RemoteMetadataChange?) {
        var change: RemoteMetadataChange?
        let known: OpenInference.ModelMetadata
        if !refresh, let fresh = metadata.fresh(model, now: clock()) {
            known = fresh
        } else {
            known = try await client.modelMetadata(model)
            change = metadata.store(known, for: model, now: clock())
            if let change { onMetadataChange?(change) }
        }
        let spec = try TensorInputSpec(metadata: known)
        let plan = try PreprocessingPlan.resolve(model: model, server: client.endpoint.description, spec: spec,
                                                 bundle: catalog?[model]?.manifest, settings: preprocessing)
        return (plan, change)
    }

    private func classifyWithTensor(model: String, image: [UInt8], top: Int) async throws -> RemoteClassification {
        let watch = Stopwatch()
        let plan = try await plan(for: model)
        do {
            return try await classifyWithTensor(model: model, image: image, top: top, plan: plan, watch: watch)
        } catch let error as ClientError {
            if error.code != .requestFailed { metadata.invalidateAll() }
            guard Self.mayMeanChangedModel(error) else { throw error }
            // The model may have been redeployed with another input: read its metadata again, and
            // retry once when it now describes a different tensor.
            let refreshed: PreprocessingPlan
            do {
                refreshed = try await resolvePlan(for: model, refresh: true).plan
            } catch {
                metadata.invalidate(model)
                throw error
            }
            if refreshed != plan {
                return try await classifyWithTensor(model: model, image: image, top: top, plan: refreshed, watch: watch)
            }
            // The same model: perhaps the server cannot read the binary tensor extension.
            guard try await shouldTryJSON() else { throw error }
            let answer = try await classifyWithTensor(model: model, image: image, top: top, plan: plan, watch: watch, json: true)
            state.withLock { $0.jsonTensors = true }
            return answer
        }
    }

    /// True when tensors still go as binary and the server does not list the `binary_tensor_data`
    /// extension in `GET /v2` (KServe takes binary without listing it, so binary is tried first).
    private func shouldTryJSON() async throws -> Bool {
        guard !state.withLock({ $0.jsonTensors }) else { return false }
        let server = try await client.serverMetadata()
        return !server.extensions.contains("binary_tensor_data")
    }

    /// True for an `/infer` failure that could mean the remote's model is no longer the one its cached
    /// metadata describes: a 4xx about the request (400 bad tensor, 404 gone, 409, 410, 422) or a 5xx
    /// (500 the model choked on the tensor, 503 being reloaded). Not 401/403 (the token), 413 (size) or
    /// 429 (throttling), which the model has nothing to do with.
    public static func mayMeanChangedModel(_ error: ClientError) -> Bool {
        guard error.code == .requestFailed, let status = error.status else { return false }
        return [400, 404, 409, 410, 422].contains(status) || (500...599).contains(status)
    }

    private func classifyWithTensor(model: String, image: [UInt8], top: Int, plan: PreprocessingPlan,
                                    watch: Stopwatch, json: Bool? = nil) async throws -> RemoteClassification {
        let bundle = catalog?[model]
        let decodeSize = plan.minimumDecodeSize
        // Decoding and resizing are CPU work: off the cooperative pool (the daemon offloads with this).
        let (decoded, tensor, decodeMs, preprocessMs) = try await BlockingWork.run {
            let decodeWatch = Stopwatch()
            let decoded = try ImageDecoder.decode(image, options: DecodeOptions(minimumSize: decodeSize))
            let decodeMs = decodeWatch.elapsedMilliseconds
            let preprocessWatch = Stopwatch()
            let tensor = plan.tensor(from: decoded.pixels)
            return (decoded, tensor, decodeMs, preprocessWatch.elapsedMilliseconds)
        }

        let inference = try await json ?? state.withLock({ $0.jsonTensors })
            ? client.inferJSON(model: model, tensor: tensor) : client.infer(model: model, tensor: tensor)
        let (probabilities, softmaxApplied) = Self.probabilities(inference.values)
        let labels = Postprocess.topK(probabilities, k: top).map { entry in
            let names = bundle?.labels ?? []
            return ClassLabel(index: entry.index, label: entry.index < names.count ? names[entry.index] : "class \(entry.index)",
                              probability: entry.score)
        }
        return RemoteClassification(
            protocolUsed: .oip, model: model, labels: labels, cold: inference.cold, network: estimated(inference.timings),
            endToEnd: watch.elapsedMilliseconds, clientDecode: decodeMs, clientPreprocess: preprocessMs,
            imageBytes: image.count, payloadBytes: tensor.bytes.count,
            originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight,
            decodedWidth: decoded.pixels.width, decodedHeight: decoded.pixels.height,
            tensorShape: tensor.shape, softmaxApplied: softmaxApplied, preprocessing: plan, inferd: nil)
    }

    /// `timings` with the remote's time estimated when it reported none: the wait minus this
    /// exchange's TCP handshake, or the last one seen when the connection was reused.
    func estimated(_ timings: RemoteTimings) -> RemoteTimings {
        let roundTrip: Double? = state.withLock { state in
            if client.endpoint.isTCP, timings.connect > 0 { state.roundTrip = timings.connect }
            return state.roundTrip ?? (client.endpoint.isTCP ? nil : 0)
        }
        return timings.estimatingRemote(roundTrip: roundTrip)
    }

    /// `values` as probabilities: as they are when they already are (each in 0…1, summing to 1 within
    /// 1e-3), else their softmax. Returns whether softmax was applied.
    static func probabilities(_ values: [Float]) -> ([Float], Bool) {
        let sum = values.reduce(Float(0), +)
        if values.allSatisfy({ $0 >= 0 && $0 <= 1 }), abs(sum - 1) < 1e-3 { return (values, false) }
        return (Postprocess.softmax(values), true)
    }
}
