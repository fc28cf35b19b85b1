import Core
import Foundation
@testable import InferdRuntime
import InferdWire
import Testing

/// The compiled-model cache: a second cold load imports the exported blob instead of reading and
/// compiling and gives the same answers; a blob that is stale, damaged anywhere or writable by
/// others is never used, and is rebuilt.
@Suite(.serialized) struct CompiledModelCacheTests {
    func classify(_ model: LoadedModel) throws -> [ClassLabel] {
        let decoded = try ImageDecoder.decode(try Fixtures.bytes(Fixtures.sample("coffee.jpg")),
                                              options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        var timings = StepTimings()
        return try model.classifyBlocking(decoded.pixels, top: 5, timings: &timings)
    }

    func blobs(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".blob") }.map { directory + "/" + $0 }
    }

    /// A copy of a bundle in a fresh directory, so its model file may be changed.
    func copyOfBundle(_ name: String, into directory: String) throws -> ModelBundle {
        let target = directory + "/" + name
        try FileManager.default.copyItem(atPath: Fixtures.models + "/" + name, toPath: target)
        return try ModelBundle.load(from: target)
    }

    @Test(arguments: ["efficientnet-lite0", "squeezenet"])
    func aSecondLoadImportsTheBlobAndAnswersTheSame(name: String) throws {
        let directory = try Fixtures.temporaryDirectory("blob")
        defer { Fixtures.removeTemporary(directory) }
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, cacheDirectory: directory))
        let bundle = try Fixtures.bundle(name)

        let first = try loader.load(bundle)
        #expect(!first.loadReport.cacheHit)
        #expect(try blobs(directory).count == 1)

        let second = try loader.load(bundle)
        #expect(second.loadReport.cacheHit)
        #expect(second.networkInputs == first.networkInputs && second.networkOutputs == first.networkOutputs)
        let a = try classify(first), b = try classify(second)
        #expect(a.map(\.index) == b.map(\.index))
        #expect(zip(a, b).allSatisfy { abs($0.probability - $1.probability) < 1e-5 }, "\(a) vs \(b)")
    }

    /// One byte flipped at the start, in the middle (outside the sampled slices) or at the very end:
    /// the blob is rejected, the model rebuilt and still right, and the rebuilt blob is then used.
    @Test(arguments: [0.0, 0.37, 1.0])
    func aBlobWithAByteFlippedAnywhereIsRejectedAndRebuilt(where fraction: Double) throws {
        let directory = try Fixtures.temporaryDirectory("flip")
        defer { Fixtures.removeTemporary(directory) }
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, cacheDirectory: directory))
        let bundle = try Fixtures.bundle("squeezenet")
        let expected = try classify(try loader.load(bundle)).first?.index

        let blob = try #require(try blobs(directory).first)
        var bytes = try Fixtures.bytes(blob)
        var position = min(bytes.count - 1, Int(Double(bytes.count) * fraction))
        // Keep the flip out of the 4 KiB slices the cheap pre-check samples: only the full hash can see it.
        if fraction > 0, fraction < 1 {
            let step = (bytes.count - 4096) / 63
            while (position % step) < 4096 { position += 4096 }
        }
        bytes[position] ^= 0x5A
        try Data(bytes).write(to: URL(fileURLWithPath: blob))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: blob)

        let rebuilt = try loader.load(bundle)
        #expect(!rebuilt.loadReport.cacheHit, "flipped byte \(position) of \(bytes.count) went unnoticed")
        #expect(try classify(rebuilt).first?.index == expected)
        #expect(try loader.load(bundle).loadReport.cacheHit, "the rebuilt blob is used")
    }

    @Test func aBlobOthersCanWriteIsNeverLoaded() throws {
        let directory = try Fixtures.temporaryDirectory("perm")
        defer { Fixtures.removeTemporary(directory) }
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, cacheDirectory: directory))
        let bundle = try Fixtures.bundle("squeezenet")
        _ = try loader.load(bundle)
        let blob = try #require(try blobs(directory).first)
        #expect((try FileManager.default.attributesOfItem(atPath: blob)[.posixPermissions] as? Int) == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: blob)
        #expect(!(try loader.load(bundle)).loadReport.cacheHit)
        // The rebuilt blob replaced it (written 0600 by this user) and is used again.
        #expect(try loader.load(bundle).loadReport.cacheHit)
    }

    @Test func aStaleEntryIsNeverUsed() throws {
        let directory = try Fixtures.temporaryDirectory("stale")
        defer { Fixtures.removeTemporary(directory) }
        let cache = directory + "/cache"
        let bundle = try copyOfBundle("squeezenet", into: directory)
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, cacheDirectory: cache))
        _ = try loader.load(bundle)
        #expect(try loader.load(bundle).loadReport.cacheHit)

        // The model file rewritten with the very same bytes (size and content unchanged): a miss.
        let contents = try Fixtures.bytes(bundle.modelPath)
        try Data(contents).write(to: URL(fileURLWithPath: bundle.modelPath))
        #expect(!(try loader.load(bundle)).loadReport.cacheHit)
        #expect(try loader.load(bundle).loadReport.cacheHit)

        // Another precision or thread count: a miss, not a wrong model.
        let bf16 = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .bf16, cacheDirectory: cache))
        let other = try bf16.load(bundle)
        #expect(!other.loadReport.cacheHit)
        let threads = ModelLoader(engine: Fixtures.engine, options: EngineOptions(threads: 1, precision: .f32, cacheDirectory: cache))
        #expect(!(try threads.load(bundle)).loadReport.cacheHit)

        // Another OpenVINO version: another key.
        let store = CompiledModelStore(directory: cache)
        let options = EngineOptions(precision: .f32, cacheDirectory: cache)
        #expect(store.key(for: bundle, options: options) != store.key(for: bundle, options: options, openVINOVersion: "2099.0.0-test"))
        #expect(store.key(for: bundle, options: options) == store.key(for: bundle, options: options))
    }

    @Test func aModelsOwnPerformanceHintIsCompiledCachedApartAndReported() throws {
        let directory = try Fixtures.temporaryDirectory("hint")
        defer { Fixtures.removeTemporary(directory) }
        let cache = directory + "/cache"
        let squeezenet = try copyOfBundle("squeezenet", into: directory)
        let nin = try copyOfBundle("nin", into: directory)
        var loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, performanceHint: .latency, cacheDirectory: cache))
        loader.performanceHints = ["squeezenet": .throughput]
        #expect(loader.options(for: squeezenet).performanceHint == .throughput)
        #expect(loader.options(for: nin).performanceHint == .latency)

        let throughput = try loader.load(squeezenet)
        #expect(throughput.loadReport.performanceHint == "throughput")
        #expect(try throughput.compiled.property("PERFORMANCE_HINT") == "THROUGHPUT")
        #expect(try loader.load(nin).loadReport.performanceHint == "latency")
        // The same model under the daemon-wide hint is another compiled model with its own blob: a miss.
        let plain = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, performanceHint: .latency, cacheDirectory: cache))
        let latency = try plain.load(squeezenet)
        #expect(!latency.loadReport.cacheHit)
        #expect(latency.loadReport.performanceHint == "latency")
        // Each hint then finds its own blob, and the pool follows OpenVINO's optimal number for the hint.
        let again = try loader.load(squeezenet)
        #expect(again.loadReport.cacheHit && again.loadReport.performanceHint == "throughput")
        let optimal = { (model: LoadedModel) in Int(try model.compiled.property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")) ?? 0 }
        #expect(again.requests.capacity == InferRequestPool.capacity(optimal: try optimal(again)))
    }

    @Test func precisionAutoRecordsItsMeasuredChoice() throws {
        let directory = try Fixtures.temporaryDirectory("auto")
        defer { Fixtures.removeTemporary(directory) }
        let photos = try ["coffee.jpg", "chelsea.jpg", "astronaut.jpg", "rocket.jpg"].filter { FileManager.default.fileExists(atPath: Fixtures.sample($0)) }
            .map { try Fixtures.decode($0, options: DecodeOptions(minimumSize: (256, 256))).pixels }
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .auto, cacheDirectory: directory),
                                 calibrationImages: photos)
        let bundle = try Fixtures.bundle("squeezenet")
        let first = try loader.load(bundle)
        let choice = try #require(first.loadReport.precisionChoice)
        let lower = Fixtures.engine.lowerPrecisions(device: "CPU")
        let recorded = { try FileManager.default.contentsOfDirectory(atPath: directory).contains { $0.hasSuffix(".precision.json") } }
        if lower.isEmpty {
            // Nothing to measure (a CPU without bf16 or f16, such as an AMD Zen 3): f32, said so, no record.
            #expect(choice.chosen == .f32)
            #expect(choice.measurements.isEmpty)
            #expect(choice.reason.contains("no bf16 or f16"))
            #expect(try !recorded())
        } else {
            #expect(choice.measurements.map(\.precision) == [.f32] + lower)
            #expect(choice.measurements.allSatisfy { $0.medianMilliseconds > 0 })
            #expect(choice.measurements.first?.top5Agreement == 1)
            #expect(choice == PrecisionChoice.decide(choice.measurements, images: choice.images, photos: choice.photos))
            #expect(choice.photos == !photos.isEmpty)
            #expect(try recorded())
        }
        #expect(first.loadReport.precision == choice.chosen.rawValue)
        // The next load reuses the recorded decision (no new measurement) and the blob compiled for it.
        let second = try loader.load(bundle)
        #expect(second.loadReport.precisionChoice == choice)
        #expect(second.loadReport.cacheHit)
    }

    /// Without a cache directory the decision is still made once per process: measuring compiles
    /// the model at every precision (seconds for AlexNet), which no cold start should pay again.
    @Test func precisionAutoMeasuresOncePerProcessWithoutACache() throws {
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .auto))
        let bundle = try Fixtures.bundle("squeezenet")
        let first = try #require(try loader.load(bundle).loadReport.precisionChoice)
        let second = try #require(try loader.load(bundle).loadReport.precisionChoice)
        // A new measurement would time the precisions again: equal medians mean the first was reused.
        #expect(second == first)
    }

    @Test func theDecisionKeepsTheFasterOnlyWithinAccuracy() {
        typealias M = PrecisionChoice.Measurement
        let f32 = M(precision: .f32, medianMilliseconds: 10, top5Agreement: 1, sameTop1: true)
        #expect(PrecisionChoice.decide([f32, M(precision: .bf16, medianMilliseconds: 6, top5Agreement: 1, sameTop1: true)], images: 3, photos: true).chosen == .bf16)
        #expect(PrecisionChoice.decide([f32, M(precision: .bf16, medianMilliseconds: 9.8, top5Agreement: 1, sameTop1: true)], images: 3, photos: true).chosen == .f32)
        #expect(PrecisionChoice.decide([f32, M(precision: .bf16, medianMilliseconds: 12, top5Agreement: 1, sameTop1: true)], images: 3, photos: true).chosen == .f32)
        #expect(PrecisionChoice.decide([f32, M(precision: .bf16, medianMilliseconds: 5, top5Agreement: 0.6, sameTop1: true)], images: 3, photos: true).chosen == .f32)
        #expect(PrecisionChoice.decide([f32, M(precision: .bf16, medianMilliseconds: 5, top5Agreement: 1, sameTop1: false)], images: 3, photos: true).chosen == .f32)
        #expect(PrecisionChoice.decide([f32, M(precision: .bf16, medianMilliseconds: 7, top5Agreement: 1, sameTop1: true),
                                        M(precision: .f16, medianMilliseconds: 5, top5Agreement: 0.9, sameTop1: true)], images: 3, photos: true).chosen == .f16)
    }

    @Test func aModelFileThatDoesNotMatchItsChecksumFailsToLoad() throws {
        let directory = try Fixtures.temporaryDirectory("sha")
        defer { Fixtures.removeTemporary(directory) }
        var bundle = try copyOfBundle("squeezenet", into: directory)
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32))
        bundle.manifest.sha256 = String(repeating: "0", count: 64)
        #expect(throws: ModelChecksumError.self) { try loader.load(bundle) }
        // The right checksum (as setup writes it) loads.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [bundle.modelPath]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let digest = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        bundle.manifest.sha256 = String(digest)
        #expect(try classify(try loader.load(bundle)).first?.index == (try classify(try Fixtures.loaded("squeezenet")).first?.index))
    }
}
