import Foundation
import InferdRuntime
import InferdWire
import Testing

/// The compiled-model cache: a second cold load imports the exported blob instead of reading and
/// compiling, and gives the same answers.
@Suite struct CompiledModelCacheTests {
    func classify(_ model: LoadedModel) throws -> [ClassLabel] {
        let decoded = try ImageDecoder.decode(try Fixtures.bytes(Fixtures.sample("coffee.jpg")),
                                              options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        var timings = StepTimings()
        return try model.classify(decoded.pixels, top: 5, timings: &timings)
    }

    @Test(arguments: ["efficientnet-lite0", "squeezenet"])
    func aSecondLoadImportsTheBlobAndAnswersTheSame(name: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-blob-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let loader = ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32, cacheDirectory: directory))
        let bundle = try Fixtures.bundle(name)

        let first = try loader.load(bundle)
        #expect(!first.loadReport.cacheHit)
        let blobs = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("inferd-") && $0.hasSuffix(".blob") }
        #expect(blobs.count == 1, "\(blobs)")

        let second = try loader.load(bundle)
        #expect(second.loadReport.cacheHit)
        #expect(second.networkInputs == first.networkInputs && second.networkOutputs == first.networkOutputs)
        let a = try classify(first), b = try classify(second)
        #expect(a.map(\.index) == b.map(\.index))
        #expect(zip(a, b).allSatisfy { abs($0.probability - $1.probability) < 1e-5 }, "\(a) vs \(b)")
        #expect(a.first?.index == b.first?.index)

        // A corrupt blob is ignored: the model is read and compiled again, and the blob replaced.
        let blob = directory + "/" + blobs[0]
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: blob))
        let third = try loader.load(bundle)
        #expect(!third.loadReport.cacheHit)
        #expect(try classify(third).first?.index == a.first?.index)
        let fourth = try loader.load(bundle)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
        #expect(fourth.loadReport.cacheHit, "\(files)")

        // Other options are another key: a miss, not a wrong model.
        let other = ModelLoader(engine: Fixtures.engine, options: EngineOptions(threads: 1, precision: .f32, cacheDirectory: directory))
        #expect(!(try other.load(bundle)).loadReport.cacheHit)
    }
}
