import Core
import InferdRuntime
import InferdWire

/// Classifies in inferctl's own process, with no daemon: the baseline inferd is compared with.
///
/// Every inferctl invocation starts from nothing, so its first classification pays starting the
/// OpenVINO runtime and loading the model (read + compile): a cold start. Later images and
/// repetitions in the same invocation reuse the model (warm), as the daemon would.
///
/// `load` is read + compile, as in the daemon's answer; starting the runtime (which the daemon does
/// once at start) is reported apart as `runtime_init`, and counted in `total` and `end_to_end`.
final class InProcessClassifier {
    /// One classification's outcome.
    struct Result {
        var labels: [ClassLabel]
        /// True when this call loaded the model.
        var cold: Bool
        var precision: String
        var originalWidth: Int
        var originalHeight: Int
        var decodedWidth: Int
        var decodedHeight: Int
        var timings: ClassifyRecord.Timings
    }

    let bundle: ModelBundle
    let options: EngineOptions
    private var model: LoadedModel?

    init(bundle: ModelBundle, options: EngineOptions) {
        self.bundle = bundle
        self.options = options
    }

    /// Decodes `image` and classifies it, loading the model first if this is the first call.
    ///
    /// - Throws: ``OpenVINOError`` when the runtime or the model fails to load, ``ImageError`` for a
    ///   bad image.
    func classify(_ image: [UInt8], top: Int) throws -> Result {
        let watch = Stopwatch()
        var timings = ClassifyRecord.Timings()
        let cold = model == nil
        let loaded: LoadedModel
        if let model {
            loaded = model
        } else {
            let (engine, runtimeMs) = try Stopwatch.time { () throws(OpenVINOError) in try Engine() }
            timings.runtimeInit = runtimeMs
            loaded = try ModelLoader(engine: engine, options: options).load(bundle)
            model = loaded
            timings.read = loaded.loadReport.readMilliseconds
            timings.compile = loaded.loadReport.compileMilliseconds
            timings.load = loaded.loadReport.totalMilliseconds
        }
        let (decoded, decodeMs) = try Stopwatch.time { () throws(ImageError) in
            try ImageDecoder.decode(image, options: loaded.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        }
        timings.decode = decodeMs
        var steps = StepTimings()
        let labels = try loaded.classify(decoded.pixels, top: top, timings: &steps)
        timings.preprocess = steps.preprocess
        timings.compute = steps.compute
        timings.postprocess = steps.postprocess
        timings.total = watch.elapsedMilliseconds
        timings.endToEnd = timings.total
        return Result(labels: labels, cold: cold, precision: loaded.loadReport.precision,
                      originalWidth: decoded.originalWidth, originalHeight: decoded.originalHeight,
                      decodedWidth: decoded.pixels.width, decodedHeight: decoded.pixels.height, timings: timings)
    }
}
