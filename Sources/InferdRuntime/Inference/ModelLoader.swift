import Core
import Foundation
import InferdWire
import Logging

/// Loads model bundles: read, add preprocessing, compile (or import a verified cached blob), choose
/// the precision when it is `auto`, and measure what it cost.
///
/// Blocking; call through ``BlockingWork``.
public struct ModelLoader: Sendable {
    public let engine: Engine
    public let options: EngineOptions
    /// Callers that may wait for one of a model's infer requests before the next is refused (503).
    public var queueLimit: Int
    /// Decoded photos `precision auto` compares f32 and lower precisions on; synthetic patterns when empty.
    public var calibrationImages: [PixelBuffer]
    let logger: Logger
    /// What `precision auto` decided in this process, so a model measures once, not at every load.
    private let decisions = PrecisionDecisions()
    /// Measures each model's footprint in a separate process after its first load (nil: loads report
    /// only their in-process figure).
    public var footprints: FootprintMeter?
    /// Models compiled with another performance hint than ``options``' (by model name); see ``options(for:)``.
    public var performanceHints: [String: EngineOptions.PerformanceHint] = [:]
    /// Whether a model compiled with the latency hint may get a throughput companion while requests
    /// overlap (``StreamRouter``, ``buildCompanion(for:)``), and the policy's thresholds.
    public var adaptiveStreams = true
    public var streamSettings = StreamSwitch.Settings()

    /// The default ``queueLimit``: room for perf_analyzer's concurrency 16 and more on one model.
    public static let defaultQueueLimit = 64

    public init(engine: Engine, options: EngineOptions, queueLimit: Int = ModelLoader.defaultQueueLimit,
                calibrationImages: [PixelBuffer] = [], logger: Logger = Logger(label: "inferd.loader")) {
        self.engine = engine
        self.options = options
        self.queueLimit = queueLimit
        self.calibrationImages = calibrationImages
        self.logger = logger
    }

    /// A compiled model with what is known of it.
    struct Built {
        var compiled: CompiledModel
        var inputs: [TensorDescription]
        var outputs: [TensorDescription]
        var readMilliseconds = 0.0
        var compileMilliseconds = 0.0
        var cacheHit = false
        /// Bytes of a blob the model reads from its mapping (resident once touched, but not anonymous memory).
        var mappedBytes = 0
    }

    /// The options `bundle` is compiled with: ``options``, with the model's own performance hint when
    /// ``performanceHints`` names it. The hint is one of the options the compiled-model cache keys a
    /// blob by, so a model's blobs for either hint never stand in for each other.
    public func options(for bundle: ModelBundle) -> EngineOptions {
        var options = self.options
        if let hint = performanceHints[bundle.name] { options.performanceHint = hint }
        return options
    }

    /// Loads `bundle` and, when `warmUp` is set, runs one inference on a blank image.
    ///
    /// - Throws: ``OpenVINOError`` with OpenVINO's reason (corrupt file, unsupported operator, …);
    ///   ``ModelChecksumError`` when the bundle names a checksum its model file does not have.
    public func load(_ bundle: ModelBundle, warmUp: Bool = false) throws -> LoadedModel {
        // Trim the heap on both sides so freed-but-cached arena pages do not count for or against the model.
        MemoryRelease.trimHeap()
        let before = ProcessMemory.anonymousBytes()
        let options = self.options(for: bundle)
        let store = options.cacheDirectory.map { CompiledModelStore(directory: $0, logger: logger) }
        var effective = options
        var choice: PrecisionChoice?
        var measured: Built?
        if options.precision == .auto {
            let lower = engine.lowerPrecisions(device: options.device)
            let key = CompiledModelStore.key(for: bundle, options: options)
            if let recorded = decisions.choice(for: key) ?? store?.recordedChoice(for: bundle, options: options),
               lower.contains(recorded.chosen) || recorded.chosen == .f32 {
                choice = recorded
                decisions.remember(recorded, for: key)
            } else if lower.isEmpty {
                choice = PrecisionChoice.decide([], images: 0, photos: false)
                choice?.reason = "f32: the CPU offers no bf16 or f16"
            } else {
                let (decided, built) = try measurePrecision(bundle, options: options, candidates: lower, store: store)
                choice = decided
                measured = built
                store?.record(decided, for: bundle, options: options)
                decisions.remember(decided, for: key)
                logger.info("precision auto: \(decided.reason)", metadata: ["model": "\(bundle.name)", "event": "precision-auto"])
            }
            effective.precision = choice?.chosen ?? .f32
        }
        // Keyed once, and only when a cache or the footprint meter needs it: the key hashes the
        // manifest and options and stats the model files.
        let key = store != nil || footprints != nil ? CompiledModelStore.key(for: bundle, options: effective) : nil
        let blobPath = key.flatMap { store?.blobPath(key: $0, model: bundle.name) }
        let built: Built
        if let measured {
            // Compiled fresh while `precision auto` measured it: saved like any fresh compile.
            built = measured
            if let store, let blobPath {
                store.save(built.compiled, sidecar: .init(inputs: built.inputs, outputs: built.outputs), to: blobPath)
            }
        } else {
            built = try importOrCompile(bundle, options: effective, store: store, blobPath: blobPath)
        }
        let precision = (try? built.compiled.property("INFERENCE_PRECISION_HINT")) ?? "unknown"
        var report = LoadReport(readMilliseconds: built.readMilliseconds, compileMilliseconds: built.compileMilliseconds,
                                residentBytes: 0, precision: precision.lowercased(), cacheHit: built.cacheHit)
        report.performanceHint = ((try? built.compiled.property("PERFORMANCE_HINT")) ?? options.performanceHint.rawValue).lowercased()
        report.precisionChoice = choice
        let optimal = Int((try? built.compiled.property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")) ?? "") ?? 1
        let pool = InferRequestPool(model: built.compiled, capacity: InferRequestPool.capacity(optimal: optimal), queueLimit: queueLimit)
        let streams = StreamRouter(primary: pool, enabled: adaptiveStreams && options.performanceHint == .latency,
                                   settings: streamSettings)
        let model = LoadedModel(bundle: bundle, compiled: built.compiled, options: effective, loadReport: report,
                                networkInputs: built.inputs, networkOutputs: built.outputs, streams: streams)
        if warmUp {
            let blank = PixelBuffer(width: bundle.manifest.input.width, height: bundle.manifest.input.height)
            blank.bytes.initializeMemory(as: UInt8.self, repeating: 128, count: blank.byteCount)
            var timings = StepTimings()
            let (_, warmMs) = try Stopwatch.time { try model.classifyBlocking(blank, top: 1, timings: &timings) }
            report.warmupMilliseconds = warmMs
        }
        MemoryRelease.trimHeap()
        report.residentBytes = max(0, ProcessMemory.anonymousBytes() - before) + Int64(built.mappedBytes)
        if let footprints, let key {
            report.footprintBytes = footprints.known(key: key, model: bundle.name, store: store)
            if report.footprintBytes == nil {
                footprints.measure(bundle, options: effective, key: key, store: store, expectedBytes: report.residentBytes)
            }
        }
        return model.withLoadReport(report)
    }

    /// Compiles `model`'s throughput companion — the same bundle and options with OpenVINO's
    /// throughput hint, imported from the compiled-model cache when it holds that blob (the hint is
    /// part of the key) — warms it up, installs it in the model's ``StreamRouter`` and returns the
    /// resident bytes it added. Blocking; the lifecycle manager calls it through its load gate.
    public func buildCompanion(for model: LoadedModel) throws -> Int64 {
        MemoryRelease.trimHeap()
        let before = ProcessMemory.anonymousBytes()
        var options = model.options
        options.performanceHint = .throughput
        let store = options.cacheDirectory.map { CompiledModelStore(directory: $0, logger: logger) }
        let blobPath = store.flatMap { $0.blobPath(key: CompiledModelStore.key(for: model.bundle, options: options), model: model.bundle.name) }
        let built = try importOrCompile(model.bundle, options: options, store: store, blobPath: blobPath)
        let optimal = Int((try? built.compiled.property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")) ?? "") ?? 1
        // One inference on each of `optimal` requests before it serves: its first requests would
        // otherwise pay the one-time set-up, and their buffers would not count in the bytes it is charged.
        let blank = PixelBuffer(width: model.bundle.manifest.input.width, height: model.bundle.manifest.input.height)
        blank.bytes.initializeMemory(as: UInt8.self, repeating: 128, count: blank.byteCount)
        let tensor = try Tensor.wrappingBytes(blank.bytes, shape: [1, Int64(blank.height), Int64(blank.width), 3], owner: blank)
        let requests = try (0..<max(1, optimal)).map { _ in try built.compiled.makeInferRequest() }
        for request in requests {
            try request.setInput(tensor)
            try request.infer()
        }
        model.streams.install(InferRequestPool(model: built.compiled, capacity: InferRequestPool.capacity(optimal: optimal),
                                               queueLimit: queueLimit, prepared: requests))
        MemoryRelease.trimHeap()
        let bytes = max(0, ProcessMemory.anonymousBytes() - before) + Int64(built.mappedBytes)
        logger.info("throughput companion of \(model.bundle.name): \(optimal) streams, \(bytes) B", metadata: [
            "model": "\(model.bundle.name)", "event": "companion", "cache_hit": "\(built.cacheHit)",
            "compile_ms": "\(String(format: "%.1f", built.readMilliseconds + built.compileMilliseconds))"])
        return bytes
    }

    /// The footprint already known for `bundle` (with `precision auto`, under its recorded decision),
    /// so the lifecycle can estimate it before its first load in this process; nil when not measured.
    public func knownFootprint(of bundle: ModelBundle) -> Int64? {
        guard let footprints else { return nil }
        let options = self.options(for: bundle)
        let store = options.cacheDirectory.map { CompiledModelStore(directory: $0, logger: logger) }
        var effective = options
        if options.precision == .auto {
            let key = CompiledModelStore.key(for: bundle, options: options)
            if let recorded = decisions.choice(for: key) ?? store?.recordedChoice(for: bundle, options: options) {
                effective.precision = recorded.chosen
            } else if engine.lowerPrecisions(device: options.device).isEmpty {
                effective.precision = .f32
            } else {
                return nil
            }
        }
        return footprints.known(key: CompiledModelStore.key(for: bundle, options: effective), model: bundle.name, store: store)
    }

    /// The blob at `blobPath` when the cache holds a good one; else `bundle` compiled with `options`,
    /// and saved there for next time.
    private func importOrCompile(_ bundle: ModelBundle, options: EngineOptions, store: CompiledModelStore?,
                                 blobPath: String?) throws -> Built {
        if let store, let blobPath, let cached = importCached(store: store, path: blobPath, options: options) { return cached }
        let built = try compileFresh(bundle, options: options, store: store)
        if let store, let blobPath {
            store.save(built.compiled, sidecar: .init(inputs: built.inputs, outputs: built.outputs), to: blobPath)
        }
        return built
    }

    /// Imports the cached blob at `path` when it passes every check; the full-content hash runs on
    /// another core during the import and a mismatch discards the imported model before it serves.
    private func importCached(store: CompiledModelStore, path: String, options: EngineOptions) -> Built? {
        let (opened, openMs) = Stopwatch.time { store.open(path) }
        guard let candidate = opened else { return nil }
        let watch = Stopwatch()
        let imported: CompiledModel
        do {
            imported = try engine.importCompiledModel(candidate.blob, options: options)
        } catch {
            _ = candidate.verified()
            store.discard(path, reason: "OpenVINO could not import it: \(error)")
            return nil
        }
        guard candidate.verified() else {
            store.discard(path, reason: "the XXH64 of its bytes does not match the one recorded when it was written")
            return nil
        }
        return Built(compiled: imported, inputs: candidate.sidecar.inputs, outputs: candidate.sidecar.outputs,
                     readMilliseconds: openMs, compileMilliseconds: watch.elapsedMilliseconds, cacheHit: true,
                     mappedBytes: candidate.blob.bytes.count)
    }

    /// Reads the model file (checking the bundle's checksum, if it has one), adds the preprocessing
    /// and compiles it.
    func compileFresh(_ bundle: ModelBundle, options: EngineOptions, store: CompiledModelStore?) throws -> Built {
        let (graph, readMs) = try Stopwatch.time { () throws -> ModelGraph in
            try ModelChecksum.verify(bundle)
            return try engine.readModel(at: bundle.modelPath)
        }
        let inputs = try (0..<graph.inputCount).map { (i) throws(OpenVINOError) in try graph.input(i) }
        let outputs = try (0..<graph.outputCount).map { (i) throws(OpenVINOError) in try graph.output(i) }
        guard inputs.count == 1 else {
            throw OpenVINOError(operation: "load \(bundle.name)", status: -1,
                                message: "the model has \(inputs.count) inputs; image models need exactly one")
        }
        let (compiled, compileMs) = try Stopwatch.time { () throws(OpenVINOError) -> CompiledModel in
            let prepared = try ImagePreprocessing.apply(to: graph, manifest: bundle.manifest)
            // With the blob store, OpenVINO's own CACHE_DIR stays off: a model it serves from that
            // cache exports a blob that cannot be imported without the original graph.
            var compileOptions = options
            if store != nil { compileOptions.cacheDirectory = nil }
            return try engine.compile(prepared, options: compileOptions)
        }
        return Built(compiled: compiled, inputs: inputs, outputs: outputs, readMilliseconds: readMs, compileMilliseconds: compileMs)
    }
}
