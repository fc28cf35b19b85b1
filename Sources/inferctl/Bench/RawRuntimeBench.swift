import Core
import Foundation
import InferdRuntime
import InferdStudy
import InferdWire

/// `inferctl bench --raw-runtime`: OpenVINO measured in this process with no daemon and no IPC — the
/// baseline inferd's own overhead is judged against (benchmarks/compare.sh).
///
/// Per model: `--repeat` loads, each in a fresh runtime (plain read + compile; the daemon's loader;
/// the loader with a compiled-model cache in a temporary directory), then inference on the plain
/// network (f32 tensor, no preprocessing) and on the loader's model (u8 pixels at the network size),
/// each `max(20, 10 × --repeat)` times after 5 warm-up runs; and, for the first image of the largest
/// group, decoding with DCT scaling against a full decode, with the in-model resize each needs.
struct RawRuntimeBench: Sendable {
    let settings: BenchSettings

    func run(json: Bool) async throws {
        let progress = ProgressBar(total: settings.models.count)
        var figures: [RawRuntimeFigures] = []
        for model in settings.models {
            progress.show("raw runtime: \(model)")
            let bundle = try ModelDirectory.bundle(named: model, in: settings.modelsDirectory, why: "--raw-runtime")
            // On a Dispatch worker, as the daemon runs loads and inference.
            figures.append(try await BlockingWork.run { try measure(bundle) })
            progress.advance(label: "raw runtime: \(model)")
        }
        progress.finish()
        if json {
            struct Output: Encodable {
                var host: HostInfo
                var threads: Int
                var precision: String
                var models: [RawRuntimeFigures]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Output(host: .current(status: nil), threads: settings.threads,
                                                               precision: settings.precision.rawValue, models: figures)), as: UTF8.self))
        } else {
            print(render(figures), terminator: "")
        }
    }

    var options: EngineOptions { EngineOptions(threads: settings.threads, precision: settings.precision) }

    func measure(_ bundle: ModelBundle) throws -> RawRuntimeFigures {
        var initTimes = LatencyHistogram(), reads = LatencyHistogram(), compiles = LatencyHistogram()
        var loads = LatencyHistogram(), cached = LatencyHistogram()
        for _ in 0..<settings.repetitions {
            let (engine, initMs) = try Stopwatch.time { () throws(OpenVINOError) in try Engine() }
            initTimes.record(initMs)
            let (graph, readMs) = try Stopwatch.time { () throws(OpenVINOError) in try engine.readModel(at: bundle.modelPath) }
            reads.record(readMs)
            let (_, compileMs) = try Stopwatch.time { () throws(OpenVINOError) in try engine.compile(graph, options: options) }
            compiles.record(compileMs)
        }
        for _ in 0..<settings.repetitions {
            let loaded = try ModelLoader(engine: try Engine(), options: options).load(bundle)
            loads.record(loaded.loadReport.totalMilliseconds)
        }
        let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-raw-cache-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: cacheDirectory) }
        var cachedOptions = options
        cachedOptions.cacheDirectory = cacheDirectory
        let fill = try ModelLoader(engine: try Engine(), options: cachedOptions).load(bundle).loadReport.totalMilliseconds
        for _ in 0..<settings.repetitions {
            cached.record(try ModelLoader(engine: try Engine(), options: cachedOptions).load(bundle).loadReport.totalMilliseconds)
        }

        // Inference: the plain network on an f32 tensor of its own shape.
        let engine = try Engine()
        let plain = try engine.compile(try engine.readModel(at: bundle.modelPath), options: options)
        let request = try plain.makeInferRequest()
        let shape = try plain.input(0).shape
        let count = shape.reduce(1) { $0 * Int($1) }
        let tensor = try Tensor.float32((0..<count).map { Float($0 % 255) / 255 }, shape: shape)
        let iterations = max(20, settings.repetitions * 10)
        func timed(_ body: () throws -> Double) rethrows -> LatencySummary {
            for _ in 0..<5 { _ = try body() }
            var histogram = LatencyHistogram()
            for _ in 0..<iterations { histogram.record(try body()) }
            return histogram.summary
        }
        let rawCompute = try timed {
            let watch = Stopwatch()
            try request.setInput(tensor)
            try request.infer()
            _ = try request.output(0).floats()
            return watch.elapsedMilliseconds
        }

        // The daemon's model: u8 pixels at the network's size, through the same code the daemon runs.
        let loaded = try ModelLoader(engine: engine, options: options).load(bundle)
        let manifest = bundle.manifest
        let native = PixelBuffer(width: manifest.input.width, height: manifest.input.height)
        for offset in 0..<native.byteCount { native.bytes.storeBytes(of: UInt8(truncatingIfNeeded: offset * 7), toByteOffset: offset, as: UInt8.self) }
        func classifyTime(_ pixels: PixelBuffer) throws -> Double {
            var steps = StepTimings()
            _ = try loaded.classify(pixels, top: settings.top, timings: &steps)
            return steps.preprocess + steps.compute + steps.postprocess
        }
        let modelCompute = try timed { try classifyTime(native) }

        var decode: RawRuntimeFigures.DecodeFigures?
        if let image = largestImage(), let data = FileManager.default.contents(atPath: image) {
            let bytes = [UInt8](data)
            let dctOptions = loaded.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels)
            let small = try ImageDecoder.decode(bytes, options: dctOptions)
            let full = try ImageDecoder.decode(bytes, options: DecodeOptions())
            let decodeRuns = max(5, settings.repetitions * 3)
            func decodeTime(_ options: DecodeOptions) throws -> LatencySummary {
                _ = try ImageDecoder.decode(bytes, options: options)
                var histogram = LatencyHistogram()
                for _ in 0..<decodeRuns {
                    histogram.record(try Stopwatch.time { () throws(ImageError) in try ImageDecoder.decode(bytes, options: options) }.1)
                }
                return histogram.summary
            }
            let dct = try decodeTime(dctOptions)
            let whole = try decodeTime(DecodeOptions())
            let computeSmall = try timed { try classifyTime(small.pixels) }
            let computeFull = try timed { try classifyTime(full.pixels) }
            let rescaleDCT = dct.mean + max(0, computeSmall.mean - modelCompute.mean)
            let rescaleFull = whole.mean + max(0, computeFull.mean - modelCompute.mean)
            decode = .init(image: image, originalSize: "\(full.originalWidth)x\(full.originalHeight)",
                           dctSize: "\(small.pixels.width)x\(small.pixels.height)", dctDecode: dct, fullDecode: whole,
                           computeDCT: computeSmall, computeFull: computeFull, rescaleDCT: rescaleDCT, rescaleFull: rescaleFull,
                           speedup: rescaleDCT > 0 ? rescaleFull / rescaleDCT : 0)
        }
        return RawRuntimeFigures(model: bundle.name, input: "\(manifest.input.width)x\(manifest.input.height)",
                                 runtimeInit: initTimes.summary, rawRead: reads.summary, rawCompile: compiles.summary,
                                 loaderLoad: loads.summary, cacheFillLoad: fill, cachedLoad: cached.summary,
                                 rawCompute: rawCompute, modelCompute: modelCompute, precision: loaded.loadReport.precision,
                                 decode: decode)
    }

    /// The first image of the group with the most pixels.
    func largestImage() -> String? {
        settings.groups.max { ($0.megapixels ?? 0) < ($1.megapixels ?? 0) }?.paths.first
    }

    func render(_ figures: [RawRuntimeFigures]) -> String {
        var table = TextTable(headers: ["MODEL", "INPUT", "PRECISION", "INIT", "READ", "COMPILE", "LOADER", "CACHE FILL", "CACHED",
                                        "RAW COMPUTE", "MODEL COMPUTE", "DCT DECODE+RESIZE", "FULL DECODE+RESIZE", "SPEEDUP"],
                              alignments: [.left, .left, .left] + Array(repeating: .right, count: 11))
        for f in figures {
            table.append([f.model, f.input, f.precision, ms(f.runtimeInit.mean), ms(f.rawRead.mean), ms(f.rawCompile.mean),
                          ms(f.loaderLoad.mean), ms(f.cacheFillLoad), ms(f.cachedLoad.mean), ms(f.rawCompute.mean), ms(f.modelCompute.mean),
                          f.decode.map { ms($0.rescaleDCT) } ?? "-", f.decode.map { ms($0.rescaleFull) } ?? "-",
                          f.decode.map { String(format: "%.1fx", $0.speedup) } ?? "-"])
        }
        return "raw OpenVINO in process (means, ms; threads \(settings.threads) (0 = all), precision \(settings.precision.rawValue)):\n" + table.render() + "\n"
    }

    func ms(_ value: Double) -> String { HumanFormat.milliseconds(value) }
}
