import Core
import Foundation
import InferdRuntime
import InferdWire
import Logging
import Synchronization

/// The daemon's domain layer: classification, raw inference, model metadata and model management,
/// in Core's terms. Knows nothing of HTTP; the API routes map requests onto it and its
/// ``InferdError``s onto status codes.
///
/// Decoding and inference run on the bounded ``ComputePool`` (threads sized to the cores, a bounded
/// queue in front, a deadline for the wait), never on the event loops or the cooperative pool;
/// reading a model file for its metadata runs on the loader's one thread. A request that cannot get
/// a worker in time is refused with ``InferdError/Code/overloaded`` (503, `Retry-After`). Model state
/// belongs to the ``ModelManager``; this type only asks it for leases and forwards management calls.
public final class InferenceService: Sendable {
    /// The owner of model state; this service only leases models and forwards management calls.
    public let manager: ModelManager<LoadedModel>
    /// The OpenVINO runtime (for reading metadata of models never loaded).
    public let engine: Engine
    /// How models are compiled (reported by `/v1/status`).
    public let engineOptions: EngineOptions
    /// Body, image and top-K limits.
    public let limits: RequestLimits
    /// Readiness and draining.
    public let state: DaemonState
    /// Request counts, step latencies and loads for `GET /metrics`.
    public let metrics: DaemonMetrics
    /// The cap on bytes requests in flight hold; the HTTP server charges bodies to it, this service
    /// decoded pixels and tensors.
    public let inFlight: InFlightMemory
    /// The one owner of the catalog: every path (API, metadata, offload) reads it here, and a rescan
    /// swaps it atomically.
    public let catalogs: CatalogStore
    /// Where decoding and inference run.
    public let compute: ComputePool
    /// Where model files are read and compiled (one thread: loads are serialised anyway).
    public let loading: ComputePool
    private let logger: Logger
    private let ports = Mutex<[String: ModelPorts]>([:])

    /// Server name and version for `/v2` and `/v1/status`.
    public static let serverName = "inferd"
    /// The daemon's version.
    public static let version = "0.1.0"

    /// - Parameter catalog: the catalog the manager was created with (kept for lookups and reloads).
    public init(manager: ModelManager<LoadedModel>, catalog: ModelCatalog, engine: Engine, engineOptions: EngineOptions,
                limits: RequestLimits, state: DaemonState, compute: ComputePool, loading: ComputePool, logger: Logger,
                metrics: DaemonMetrics = DaemonMetrics()) {
        self.manager = manager
        self.compute = compute
        self.loading = loading
        self.metrics = metrics
        inFlight = InFlightMemory(capacity: Int64(limits.maxInFlightBytes), wait: .milliseconds(Int64(limits.inFlightWait * 1000)))
        self.engine = engine
        self.engineOptions = engineOptions
        self.limits = limits
        self.state = state
        self.logger = logger
        catalogs = CatalogStore(catalog)
    }

    /// The catalog as last scanned.
    public var catalog: ModelCatalog { catalogs.current }

    /// The bundle called `name`.
    ///
    /// - Throws: ``InferdError`` `.unknownModel`.
    public func bundle(_ name: String) throws(InferdError) -> ModelBundle {
        let catalog = catalogs.current
        guard let bundle = catalog[name] else {
            throw InferdError(.unknownModel, catalog.unknownModelMessage(name))
        }
        return bundle
    }

    // MARK: Classification

    /// Validates a classify request once (model, `top`, the image header and the decode options for the
    /// model) into the value both the offload planner and ``classify(_:lane:deadline:)`` consume. A
    /// refusal is counted as an error.
    ///
    /// - Throws: ``InferdError``: `.unknownModel`, `.badRequest` (top out of range), `.badImage`,
    ///   `.tooLarge`, `.unsupportedMediaType`.
    public func admit(model name: String, image: [UInt8], top: Int?, offload: OffloadMode? = nil) async throws(InferdError) -> ClassifyRequest {
        try await countingErrors { () async throws(InferdError) in
            try ClassifyRequest(model: name, image: image, top: top, offload: offload, catalog: catalog, limits: limits)
        }
    }

    /// Decodes the request's image (a JPEG is scaled down in the DCT domain no further than the model
    /// needs; its header is not read again), runs the model (loading it first when cold) and returns the
    /// top labels with the time of each step. The image is decoded before the model is leased, so a bad
    /// image never pays (or waits for) a load.
    ///
    /// - Parameters:
    ///   - lane: the compute pool's lane (``ComputePool/Lane/offload`` for a request that a remote failed).
    ///   - deadline: by when each step must have a worker; default the request's admission plus
    ///     ``RequestLimits/queueTimeout``.
    /// - Throws: ``InferdError``: `.badImage`, `.loadFailed`, `.insufficientMemory`, `.shuttingDown`,
    ///   `.inferenceFailed`, `.overloaded` (no worker in time).
    public func classify(_ request: ClassifyRequest, lane: ComputePool.Lane = .local,
                         deadline: ContinuousClock.Instant? = nil) async throws(InferdError) -> ClassifyResponse {
        let deadline = deadline ?? request.admitted + limits.queueTimeout
        return try await countingErrors { () async throws(InferdError) in try await classifyImage(request, lane: lane, deadline: deadline) }
    }

    private func classifyImage(_ request: ClassifyRequest, lane: ComputePool.Lane,
                               deadline: ContinuousClock.Instant) async throws(InferdError) -> ClassifyResponse {
        let watch = Stopwatch()
        let (image, header, options, top) = (request.image, request.header, request.decodeOptions, request.top)
        let (name, bundle) = (request.model, request.bundle)
        // The decoded pixels count against the in-flight cap before they are allocated.
        let pixelBytes: Int64
        do {
            // What the decode holds at its peak (``DecodeCost``): small for a PNG scaled row by row,
            // every coefficient for a progressive JPEG.
            pixelBytes = Int64(try ImageDecoder.cost(of: image, options: options).workingBytes)
        } catch {
            throw InferdError(error)
        }
        // The body's own charge (taken by the HTTP server) covers as many bytes again.
        let reservation = try await inFlight.reserve(pixelBytes - Int64(image.count), for: "a decoded image")
        defer { reservation.release() }
        let (decoded, decodeMs) = try await run(lane, deadline: deadline) { () throws(ImageError) in
            try Stopwatch.time { () throws(ImageError) in try ImageDecoder.decode(image, header: header, options: options) }
        } map: { InferdError($0) }

        let (lease, labels, steps) = try await withLease(name) { lease in
            var steps = StepTimings()
            // A request a remote failed may use only half of the model's queue (as it may only use
            // the compute pool's offload lane): requests planned here keep the rest.
            let labels = try await lease.model.classify(decoded.pixels, top: top, claim: lane == .offload ? .half : .whole,
                                                        timings: &steps)
            return (lease, labels, steps)
        }
        var timings = steps
        timings.decode = decodeMs
        fill(&timings, from: lease)
        timings.total = watch.elapsedMilliseconds
        metrics.observe(model: name, timings: timings, decoded: true)
        return ClassifyResponse(
            model: request.model, cold: lease.cold, labels: labels, timings: timings,
            image: .init(width: decoded.originalWidth, height: decoded.originalHeight, bytes: image.count,
                         decodedWidth: decoded.pixels.width, decodedHeight: decoded.pixels.height),
            precision: lease.model.loadReport.precision, syntheticWeights: bundle.manifest.syntheticWeights)
    }

    // MARK: Raw inference (Open Inference Protocol)

    /// Runs an image tensor through the model's built-in preprocessing and network; returns the full
    /// probability vector.
    ///
    /// - Throws: ``InferdError``: `.unknownModel`, `.badRequest` (shape, datatype or size wrong),
    ///   `.tooLarge` (more pixels than allowed), and the load and inference errors of ``classify(model:image:top:)``.
    public func infer(model name: String, tensor: ImageTensor) async throws(InferdError) -> TensorResult {
        try await countingErrors { () async throws(InferdError) in try await inferTensor(model: name, tensor: tensor) }
    }

    private func inferTensor(model name: String, tensor: ImageTensor) async throws(InferdError) -> TensorResult {
        let watch = Stopwatch()
        _ = try bundle(name)
        try ImageTensor.validate(name: tensor.name, shape: tensor.shape, datatype: tensor.datatype, maxPixels: limits.maxImagePixels)
        // Refused before any load when the model's input is already known (ports are forgotten when
        // the model's file changes); checked on the lease otherwise, where reading the input back from
        // the compiled model costs a few OpenVINO calls.
        let known = ports.withLock({ $0[name] })
        if let known { try Self.check(tensor, against: known.image, model: name) }
        let pixels = tensor.pixels
        let (lease, probabilities, steps) = try await withLease(name) { lease in
            if known == nil { try Self.check(tensor, against: lease.model.imageInput, model: name) }
            var steps = StepTimings()
            let probabilities = try await lease.model.probabilities(of: pixels, timings: &steps)
            return (lease, probabilities, steps)
        }
        var timings = steps
        fill(&timings, from: lease)
        timings.total = watch.elapsedMilliseconds
        metrics.observe(model: name, timings: timings, decoded: false)
        let output = lease.model.probabilitiesOutput
        return TensorResult(model: name, output: TensorDescription(name: output.name, datatype: "FP32", shape: [1, Int64(probabilities.count)]),
                            values: probabilities, cold: lease.cold, timings: timings)
    }

    /// A tensor for an input the model does not have is refused, as Triton refuses it: the Open
    /// Inference Protocol names inputs as the model's metadata does.
    private static func check(_ tensor: ImageTensor, against input: TensorDescription, model: String) throws(InferdError) {
        guard tensor.name == input.name else {
            throw InferdError(.badRequest, "\(model) has no input \"\(tensor.name)\"; its input is \"\(input.name)\" (GET /v2/models/\(model))")
        }
    }

    /// Runs `body`; a failure is counted in the manager's error counter and rethrown.
    private func countingErrors<T>(_ body: () async throws(InferdError) -> T) async throws(InferdError) -> T {
        do {
            return try await body()
        } catch {
            await manager.countError()
            throw error
        }
    }

    /// Leases `name`, records its ports, runs `body` (which awaits the model's asynchronous
    /// inference: no thread waits for OpenVINO; the model's own queue of infer requests bounds it),
    /// releases the lease. A full inference queue is a 503 with `Retry-After`.
    private func withLease<T: Sendable>(_ name: String, _ body: @escaping @Sendable (ModelLease<LoadedModel>) async throws -> T) async throws(InferdError) -> T {
        do {
            return try await manager.withModel(name) { lease in
                if self.ports.withLock({ $0[name] == nil }) { self.remember(ModelPorts(lease.model), for: name) }
                return try await body(lease)
            }
        } catch let error as InferdError {
            throw error
        } catch let error as InferQueueError {
            throw InferdError.overloaded("\(name): \(error.message)", retryAfter: error.retryAfterSeconds)
        } catch let error as ModelChecksumError {
            throw InferdError(.loadFailed, error.message)
        } catch let error as AdmissionError {
            throw InferdError(error)
        } catch {
            logger.error("inference failed", metadata: ["model": "\(name)", "error": "\(error)"])
            throw InferdError(.inferenceFailed, "inference on \(name) failed: \(error)")
        }
    }

    private func fill(_ timings: inout StepTimings, from lease: ModelLease<LoadedModel>) {
        timings.queue = lease.queueMilliseconds
        timings.load = lease.loadMilliseconds
        if lease.loadMilliseconds > 0 {
            timings.read = lease.model.loadReport.readMilliseconds
            timings.compile = lease.model.loadReport.compileMilliseconds
        }
    }

    // MARK: Metadata

    /// Open Inference metadata for `name`. For a model never loaded, the network's ports are read from
    /// the model file (no compile) once and remembered.
    ///
    /// - Throws: ``InferdError`` `.unknownModel`, or `.loadFailed` when the model file cannot be read.
    public func metadata(model name: String) async throws(InferdError) -> OpenInference.ModelMetadata {
        let bundle = try bundle(name)
        let ports = try await ports(of: bundle)
        let summary = try? await manager.summary(name)
        let manifest = bundle.manifest
        var parameters: [String: OpenInference.Parameter] = [
            "layout": .string("NHWC"), "color": .string("RGB"),
            "network_layout": .string(manifest.input.layout), "network_color": .string(manifest.input.color),
            "network_width": .int(Int64(manifest.input.width)), "network_height": .int(Int64(manifest.input.height)),
            "resize": .string("in-model bilinear to the network input (no crop; classify crops per the manifest)"),
            "synthetic_weights": .bool(manifest.syntheticWeights),
        ]
        if let state = summary?.state { parameters["state"] = .string(state.rawValue) }
        if let description = manifest.description { parameters["description"] = .string(description) }
        return OpenInference.ModelMetadata(name: name, versions: ["1"], platform: Self.platform(of: bundle),
                                           inputs: [ports.image], outputs: [ports.output],
                                           networkInputs: ports.networkInputs, parameters: parameters)
    }

    /// Triton's model configuration for `name`, from the same facts as ``metadata(model:)``: the
    /// `/infer` input and output, no batching, and as many instances as the warm model has infer
    /// requests (the optimal number OpenVINO would give, when cold).
    ///
    /// - Throws: ``InferdError`` `.unknownModel`, or `.loadFailed` when the model file cannot be read.
    public func tritonConfig(model name: String) async throws(InferdError) -> TritonModelConfig {
        let bundle = try bundle(name)
        let ports = try await ports(of: bundle)
        let instances = await manager.residentModel(name)?.requests.capacity ?? InferRequestPool.capacity(optimal: 1)
        func tensor(_ description: TensorDescription, format: String?) -> TritonModelConfig.Tensor {
            .init(name: description.name, dataType: TritonModelConfig.dataType(description.datatype), format: format, dims: description.shape)
        }
        return TritonModelConfig(name: name, platform: Self.platform(of: bundle),
                                 input: [tensor(ports.image, format: "FORMAT_NHWC")], output: [tensor(ports.output, format: nil)],
                                 instanceGroup: [.init(name: name, count: instances)])
    }

    /// `openvino_onnx`, `openvino_ir`, `openvino_tflite`, … from the model file's extension.
    static func platform(of bundle: ModelBundle) -> String {
        switch (bundle.modelPath as NSString).pathExtension.lowercased() {
        case "onnx": "openvino_onnx"
        case "xml": "openvino_ir"
        case "tflite": "openvino_tflite"
        case "pdmodel": "openvino_paddle"
        case "pb": "openvino_tensorflow"
        default: "openvino"
        }
    }

    private func ports(of bundle: ModelBundle) async throws(InferdError) -> ModelPorts {
        if let known = ports.withLock({ $0[bundle.name] }) { return known }
        if let resident = await manager.residentModel(bundle.name) {
            let known = ModelPorts(resident)
            remember(known, for: bundle.name)
            return known
        }
        let engine = self.engine
        let read = try await run(on: loading, .local, deadline: nil) { () throws(OpenVINOError) -> ModelPorts in
            let graph = try engine.readModel(at: bundle.modelPath)
            let inputs = try (0..<graph.inputCount).map { (i) throws(OpenVINOError) in try graph.input(i) }
            let outputs = try (0..<graph.outputCount).map { (i) throws(OpenVINOError) in try graph.output(i) }
            return ModelPorts(bundle: bundle, networkInputs: inputs, networkOutputs: outputs)
        } map: { InferdError(.loadFailed, "cannot read \(bundle.name): \($0)") }
        remember(read, for: bundle.name)
        return read
    }

    private func remember(_ ports: ModelPorts, for name: String) {
        self.ports.withLock { $0[name] = ports }
    }

    // MARK: Management

    /// Every model with its life-cycle facts.
    public func models() async -> ModelList {
        var summaries: [ModelSummary] = []
        for summary in await manager.summaries() { summaries.append(await withEngineFacts(summary)) }
        return ModelList(models: summaries)
    }

    /// One model. Throws `.unknownModel`.
    public func model(_ name: String) async throws(InferdError) -> ModelSummary {
        await withEngineFacts(try await manager.summary(name))
    }

    /// `summary` with the warm model's precision (and why), performance hint and inference queue.
    private func withEngineFacts(_ summary: ModelSummary) async -> ModelSummary {
        guard let model = await manager.residentModel(summary.name) else { return summary }
        var summary = summary
        summary.precision = model.loadReport.precision
        summary.precisionChoice = model.loadReport.precisionChoice?.reason
        summary.performanceHint = model.loadReport.performanceHint
        summary.inference = model.streams.status
        return summary
    }

    /// Loads `name` now (answers when warm). Throws `.unknownModel`, `.loadFailed`, `.insufficientMemory`.
    public func load(_ name: String) async throws(InferdError) -> ModelSummary { try await manager.load(name) }

    /// Unloads `name` after its in-flight requests. Throws `.unknownModel`, `.conflict` (pinned).
    public func unload(_ name: String) async throws(InferdError) -> ModelSummary { try await manager.unload(name) }

    /// Pins (loading it if cold) or unpins `name`. Throws `.unknownModel` and load errors.
    public func setPinned(_ name: String, _ pinned: Bool) async throws(InferdError) -> ModelSummary {
        try await manager.setPinned(name, pinned)
    }

    /// Sets `name`'s keep-alive (`nil` default, `0` after each request, `-1` forever).
    public func setKeepAlive(_ name: String, seconds: Double?) async throws(InferdError) -> ModelSummary {
        try await manager.setKeepAlive(name, seconds: seconds)
    }

    /// The operator's trim: evicts once as memory pressure at `level` would (counted as manual, the
    /// pressure level untouched); answers what went.
    public func trim(_ level: PressureLevel) async -> TrimResponse {
        TrimResponse(level: level.rawValue, evicted: await manager.trim(level))
    }

    /// Rescans the models directory and hands the new catalog to the manager (warm models that still
    /// exist stay warm).
    ///
    /// - Throws: ``InferdError`` `.loadFailed` when the directory cannot be read (the old catalog stays).
    @discardableResult
    public func reloadCatalog() async throws(InferdError) -> ModelCatalog {
        let directory = catalog.directory
        let fresh: ModelCatalog
        do {
            fresh = try ModelCatalog.scan(directory)
        } catch {
            throw InferdError(.loadFailed, "cannot rescan the models directory: \(error)")
        }
        let old = catalogs.replace(with: fresh)
        ports.withLock { ports in
            ports = ports.filter { fresh[$0.key]?.modelPath == old[$0.key]?.modelPath && fresh[$0.key] != nil }
        }
        await manager.replaceCatalog(fresh)
        let added = Set(fresh.names).subtracting(old.names).sorted()
        let removed = Set(old.names).subtracting(fresh.names).sorted()
        logger.info("catalog reloaded", metadata: [
            "models": "\(fresh.names.joined(separator: ","))", "added": "\(added.joined(separator: ","))",
            "removed": "\(removed.joined(separator: ","))", "problems": "\(fresh.problems.count)",
        ])
        for problem in fresh.problems { logger.warning("catalog problem: \(problem)") }
        return fresh
    }

    /// The bounded worker pools (compute, its offload lane once used, loader), for status and metrics.
    public var pools: [WorkerPoolStatus] { compute.status + loading.status }

    /// The daemon as a whole.
    public func status() async -> StatusResponse {
        let lifecycle = await manager.status()
        var status = StatusResponse(
            version: Self.version, openvinoVersion: Engine.version, pid: getpid(), uptimeSeconds: state.uptimeSeconds,
            startupMilliseconds: state.startupMilliseconds, socketActivated: state.socketActivated,
            policy: lifecycle.policy, budgetBytes: lifecycle.budget.bytes, budgetSource: lifecycle.budget.source,
            usedBytes: lifecycle.usedBytes, residentBytes: ProcessMemory.residentBytes(), pressure: lifecycle.pressure.rawValue,
            modelsWarm: lifecycle.warmModels, modelsTotal: lifecycle.totalModels, counters: lifecycle.counters,
            catalogProblems: catalog.problems.map(\.description), engine: engineOptions)
        status.listeners = state.listeners
        if let base = state.baseResidentBytes {
            status.baseResidentBytes = base
            status.unchargedBytes = status.residentBytes - status.usedBytes - base
        }
        status.inFlightBytes = inFlight.heldBytes
        status.inFlightLimitBytes = inFlight.capacity
        status.pools = pools
        return status
    }

    /// Triton's repository index: every model with READY / LOADING / UNAVAILABLE and why.
    public func repositoryIndex(readyOnly: Bool) async -> [OpenInference.RepositoryIndexEntry] {
        await manager.summaries().compactMap { summary in
            let (state, reason): (OpenInference.RepositoryIndexEntry.State, String) = switch summary.state {
            case .warm: (.ready, "")
            case .loading: (.loading, "loading")
            case .evicting: (.unloading, "unloading")
            case .failed: (.unavailable, summary.failure ?? "load failed")
            case .cold: (.unavailable, "not loaded (loads on first request)")
            }
            if readyOnly, state != .ready { return nil }
            return OpenInference.RepositoryIndexEntry(name: summary.name, version: "1", state: state, reason: reason)
        }
    }

    // MARK: Helpers

    /// Runs typed-throwing blocking work (decoding, big JSON) on the compute pool in `lane` and maps its
    /// error; a refusal by the pool (queue full, deadline) is `.overloaded`.
    func run<T: Sendable, E: Error>(_ lane: ComputePool.Lane, deadline: ContinuousClock.Instant?,
                                    _ body: @escaping @Sendable () throws(E) -> T, map: (E) -> InferdError) async throws(InferdError) -> T {
        try await run(on: compute, lane, deadline: deadline, body, map: map)
    }

    private func run<T: Sendable, E: Error>(on pool: ComputePool, _ lane: ComputePool.Lane, deadline: ContinuousClock.Instant?,
                                            _ body: @escaping @Sendable () throws(E) -> T, map: (E) -> InferdError) async throws(InferdError) -> T {
        do {
            return try await pool.run(lane, deadline: deadline) { try body() }
        } catch let error as AdmissionError {
            throw InferdError(error)
        } catch let error as E {
            throw map(error)
        } catch {
            throw InferdError(.inferenceFailed, "\(error)")
        }
    }
}

/// A model's ports as the Open Inference metadata reports them.
struct ModelPorts: Sendable {
    /// What `/infer` takes: `UINT8 [1,-1,-1,3]`.
    var image: TensorDescription
    /// What `/infer` returns: `FP32 [1, classes]`.
    var output: TensorDescription
    /// The network's own inputs.
    var networkInputs: [TensorDescription]

    init(_ model: LoadedModel) {
        image = model.imageInput
        output = model.probabilitiesOutput
        networkInputs = model.networkInputs
    }

    init(bundle: ModelBundle, networkInputs: [TensorDescription], networkOutputs: [TensorDescription]) {
        image = TensorDescription(name: networkInputs.first?.name ?? "input", datatype: "UINT8", shape: [1, -1, -1, 3])
        let classes = networkOutputs.first?.shape.last.flatMap { $0 > 0 ? $0 : nil } ?? Int64(bundle.labels.count)
        output = TensorDescription(name: networkOutputs.first?.name ?? "output", datatype: "FP32", shape: [1, classes])
        self.networkInputs = networkInputs
    }
}
