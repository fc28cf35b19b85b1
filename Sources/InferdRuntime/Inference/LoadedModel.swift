import Core
import InferdWire

/// A model compiled and resident: the warm state. Classifies images, from any thread.
public final class LoadedModel: Sendable {
    /// The bundle it was loaded from.
    public let bundle: ModelBundle
    /// The compiled model.
    public let compiled: CompiledModel
    /// What the load cost.
    public let loadReport: LoadReport
    /// Input and output descriptions of the original network (before preprocessing).
    public let networkInputs: [TensorDescription]
    public let networkOutputs: [TensorDescription]
    /// The engine options it was compiled with (the precision `auto` resolved).
    public let options: EngineOptions
    /// The model's infer requests and the bounded queue of callers waiting for one.
    public var requests: InferRequestPool { streams.primary }
    /// Which compiled form each request runs on: this one, or the throughput companion while
    /// requests overlap (``StreamRouter``).
    public let streams: StreamRouter
    let geometry: InputGeometry

    init(bundle: ModelBundle, compiled: CompiledModel, options: EngineOptions, loadReport: LoadReport,
         networkInputs: [TensorDescription], networkOutputs: [TensorDescription], streams: StreamRouter) {
        self.bundle = bundle
        self.compiled = compiled
        self.options = options
        self.loadReport = loadReport
        self.networkInputs = networkInputs
        self.networkOutputs = networkOutputs
        self.streams = streams
        geometry = InputGeometry(manifest: bundle.manifest)
    }

    /// The same model with `report` as its load report (shares the compiled model and its requests).
    func withLoadReport(_ report: LoadReport) -> LoadedModel {
        LoadedModel(bundle: bundle, compiled: compiled, options: options, loadReport: report,
                    networkInputs: networkInputs, networkOutputs: networkOutputs, streams: streams)
    }

    /// Decode options for images sent to this model: DCT downscale no further than the model needs.
    public func decodeOptions(maxPixels: Int) -> DecodeOptions {
        DecodeOptions(minimumSize: geometry.minimumDecodeSize, maxPixels: maxPixels)
    }

    /// Classifies an already decoded image: centre crop (per the manifest), inference with the
    /// in-model resize and normalisation, softmax when the network gives logits, top-`k`.
    ///
    /// Suspends (no thread waits) during inference. Throws ``InferQueueError`` when the model's
    /// queue is full, ``OpenVINOError`` when inference fails.
    public func classify(_ pixels: PixelBuffer, top k: Int, claim: InferRequestPool.Claim = .whole,
                         timings: inout StepTimings) async throws -> [ClassLabel] {
        let input = crop(pixels, timings: &timings)
        let cropMs = timings.preprocess
        let probabilities = try await probabilities(of: input, claim: claim, timings: &timings)
        timings.preprocess += cropMs
        return rank(probabilities, top: k, timings: &timings)
    }

    /// ``classify(_:top:claim:timings:)`` blocking the calling thread, for tools and tests.
    public func classifyBlocking(_ pixels: PixelBuffer, top k: Int, timings: inout StepTimings) throws -> [ClassLabel] {
        let input = crop(pixels, timings: &timings)
        let cropMs = timings.preprocess
        let probabilities = try probabilitiesBlocking(of: input, timings: &timings)
        timings.preprocess += cropMs
        return rank(probabilities, top: k, timings: &timings)
    }

    private func crop(_ pixels: PixelBuffer, timings: inout StepTimings) -> PixelBuffer {
        let (input, cropMs) = Stopwatch.time { () -> PixelBuffer in
            let region = geometry.cropRegion(width: pixels.width, height: pixels.height)
            return pixels.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
        }
        timings.preprocess = cropMs
        return input
    }

    private func rank(_ probabilities: [Float], top k: Int, timings: inout StepTimings) -> [ClassLabel] {
        let (labels, rankMs) = Stopwatch.time { () -> [ClassLabel] in
            Postprocess.topK(probabilities, k: k).map { entry in
                let name = entry.index < bundle.labels.count ? bundle.labels[entry.index] : "class \(entry.index)"
                return ClassLabel(index: entry.index, label: name, probability: entry.score)
            }
        }
        timings.postprocess += rankMs
        return labels
    }

    /// Runs the network on a raw `f32` tensor laid out as the network's own input (no preprocessing
    /// model): used for parity checks against other runtimes. Compiles a separate plain model.
    public static func rawInference(engine: Engine, bundle: ModelBundle, options: EngineOptions,
                                    input: [Float], shape: [Int64]) throws -> [Float] {
        let graph = try engine.readModel(at: bundle.modelPath)
        let compiled = try engine.compile(graph, options: options)
        let request = try compiled.makeInferRequest()
        let tensor = try Tensor.float32(input, shape: shape)
        try request.setInput(tensor)
        try request.infer()
        return try request.output(0).floats()
    }
}
