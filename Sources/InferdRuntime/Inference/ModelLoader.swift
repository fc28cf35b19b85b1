import Core
import InferdWire

/// Loads model bundles: read, add preprocessing, compile, and measure what it cost.
///
/// Blocking; call through ``BlockingWork``. The daemon serialises loads so that the resident-memory
/// figure of each is clean.
public struct ModelLoader: Sendable {
    public let engine: Engine
    public let options: EngineOptions

    public init(engine: Engine, options: EngineOptions) {
        self.engine = engine
        self.options = options
    }

    /// Loads `bundle` and, when `warmUp` is set, runs one inference on a blank image.
    ///
    /// - Throws: ``OpenVINOError`` with OpenVINO's reason (corrupt file, unsupported operator, …).
    public func load(_ bundle: ModelBundle, warmUp: Bool = false) throws -> LoadedModel {
        // Trim the heap on both sides so freed-but-cached arena pages do not count for or against the model.
        MemoryRelease.trimHeap()
        let before = ProcessMemory.anonymousBytes()
        let store = options.cacheDirectory.map(CompiledModelStore.init(directory:))
        let blobPath = store?.blobPath(for: bundle, options: options)
        var compiled: CompiledModel?
        var inputs: [TensorDescription] = []
        var outputs: [TensorDescription] = []
        var readMs = 0.0, compileMs = 0.0
        var cacheHit = false
        // A cached blob: read it (the "read" step) and import it (the "compile" step).
        if let store, let blobPath {
            let (cached, loadMs) = Stopwatch.time { store.load(blobPath) }
            if let cached, let (imported, importMs) = try? Stopwatch.time({ () throws(OpenVINOError) -> CompiledModel in
                try engine.importCompiledModel(cached.blob, options: options)
            }) {
                compiled = imported
                (inputs, outputs) = (cached.sidecar.inputs, cached.sidecar.outputs)
                (readMs, compileMs, cacheHit) = (loadMs, importMs, true)
            }
        }
        if compiled == nil {
            let (graph, graphMs) = try Stopwatch.time { () throws(OpenVINOError) -> ModelGraph in
                try engine.readModel(at: bundle.modelPath)
            }
            inputs = try (0..<graph.inputCount).map { (i) throws(OpenVINOError) in try graph.input(i) }
            outputs = try (0..<graph.outputCount).map { (i) throws(OpenVINOError) in try graph.output(i) }
            guard inputs.count == 1 else {
                throw OpenVINOError(operation: "load \(bundle.name)", status: -1,
                                    message: "the model has \(inputs.count) inputs; image models need exactly one")
            }
            let (fresh, freshMs) = try Stopwatch.time { () throws(OpenVINOError) -> CompiledModel in
                let prepared = try ImagePreprocessing.apply(to: graph, manifest: bundle.manifest)
                // With the blob store, OpenVINO's own CACHE_DIR stays off: a model it serves from that
                // cache exports a blob that cannot be imported without the original graph.
                var compileOptions = options
                if store != nil { compileOptions.cacheDirectory = nil }
                return try engine.compile(prepared, options: compileOptions)
            }
            if let store, let blobPath {
                store.save(fresh, sidecar: .init(inputs: inputs, outputs: outputs), to: blobPath)
            }
            (compiled, readMs, compileMs) = (fresh, graphMs, freshMs)
        }
        guard let compiled else { throw OpenVINOError(operation: "load \(bundle.name)", status: -1, message: "no compiled model") }
        let precision = (try? compiled.property("INFERENCE_PRECISION_HINT")) ?? "unknown"
        var report = LoadReport(readMilliseconds: readMs, compileMilliseconds: compileMs,
                                residentBytes: 0, precision: precision.lowercased(), cacheHit: cacheHit)
        let model = LoadedModel(bundle: bundle, compiled: compiled, loadReport: report,
                                networkInputs: inputs, networkOutputs: outputs)
        if warmUp {
            let blank = PixelBuffer(width: bundle.manifest.input.width, height: bundle.manifest.input.height)
            blank.bytes.initializeMemory(as: UInt8.self, repeating: 128, count: blank.byteCount)
            var timings = StepTimings()
            let (_, warmMs) = try Stopwatch.time { try model.classify(blank, top: 1, timings: &timings) }
            report.warmupMilliseconds = warmMs
        }
        MemoryRelease.trimHeap()
        report.residentBytes = max(0, ProcessMemory.anonymousBytes() - before)
        return model.withLoadReport(report)
    }
}
