import Core
import InferdWire

/// Running a raw image tensor, for the Open Inference Protocol's `/infer`: the caller sends `u8` RGB
/// pixels laid out `[1, height, width, 3]` and gets the whole probability vector back.
extension LoadedModel {
    /// What ``probabilities(of:claim:timings:)`` takes: `UINT8 [1, -1, -1, 3]` (NHWC RGB, any height and
    /// width), named like the network's input. Read from the compiled model when OpenVINO can tell.
    public var imageInput: TensorDescription {
        let name = networkInputs.first?.name ?? "input"
        if let compiledInput = try? compiled.input(0), compiledInput.shape.count == 4 {
            return TensorDescription(name: compiledInput.name.isEmpty ? name : compiledInput.name,
                                     datatype: compiledInput.datatype, shape: compiledInput.shape)
        }
        return TensorDescription(name: name, datatype: "UINT8", shape: [1, -1, -1, 3])
    }

    /// What ``probabilities(of:claim:timings:)`` returns: `FP32 [1, classes]`, named like the network's output.
    public var probabilitiesOutput: TensorDescription {
        let network = networkOutputs.first
        let classes = network?.shape.last.flatMap { $0 > 0 ? $0 : nil } ?? Int64(bundle.labels.count)
        return TensorDescription(name: network?.name ?? "output", datatype: "FP32", shape: [1, classes])
    }

    /// Runs `pixels` (no centre crop: the built-in preprocessing resizes the whole image to the
    /// network's input; an image above ``InputGeometry/maxModelInput`` is area-averaged down to it
    /// first) and returns the class probabilities, softmax applied when the network ends in logits.
    ///
    /// Fills `timings.preprocess` (bounding and wrapping the pixels as a tensor), `compute` (from the moment an infer
    /// request is free) and `postprocess`. Suspends while the inference runs (no thread waits for
    /// OpenVINO) and while all of the model's infer requests are busy.
    ///
    /// - Parameter claim: how much of the model's queue the caller may use (``InferRequestPool/Claim``).
    /// - Throws: ``OpenVINOError`` when inference fails; ``InferQueueError`` when the model's queue is
    ///   full; `CancellationError` when cancelled while queued.
    public func probabilities(of pixels: PixelBuffer, claim: InferRequestPool.Claim = .whole,
                              timings: inout StepTimings) async throws -> [Float] {
        let tensor = try inputTensor(pixels, timings: &timings)
        var computeMs = 0.0
        let pool = streams.begin()
        defer { streams.end() }
        let scores = try await pool.withRequest(claim: claim) { request in
            let watch = Stopwatch()
            defer { computeMs = watch.elapsedMilliseconds }
            try request.setInput(tensor)
            try await request.run()
            return try request.output(0).floats()
        }
        timings.compute = computeMs
        return finish(scores, timings: &timings)
    }

    /// ``probabilities(of:claim:timings:)`` blocking the calling thread (tools, tests and the load's own
    /// measurements): takes an idle infer request, or makes one, without queueing.
    public func probabilitiesBlocking(of pixels: PixelBuffer, timings: inout StepTimings) throws -> [Float] {
        let tensor = try inputTensor(pixels, timings: &timings)
        let (scores, computeMs) = try Stopwatch.time { () throws -> [Float] in
            try requests.withIdleRequest { request in
                try request.setInput(tensor)
                try request.infer()
                return try request.output(0).floats()
            }
        }
        timings.compute = computeMs
        return finish(scores, timings: &timings)
    }

    private func inputTensor(_ pixels: PixelBuffer, timings: inout StepTimings) throws(OpenVINOError) -> Tensor {
        let (tensor, preprocessMs) = try Stopwatch.time { () throws(OpenVINOError) -> Tensor in
            // Never more than a small multiple of the network input: the compiled model keeps buffers
            // sized for the largest input it has seen.
            let bound = geometry.maxModelInput
            let pixels = pixels.downscaled(toFit: bound.width, bound.height)
            return try Tensor.wrappingBytes(pixels.bytes, shape: [1, Int64(pixels.height), Int64(pixels.width), 3], owner: pixels)
        }
        timings.preprocess = preprocessMs
        return tensor
    }

    private func finish(_ scores: [Float], timings: inout StepTimings) -> [Float] {
        let (probabilities, postMs) = Stopwatch.time { () -> [Float] in
            bundle.manifest.output == .logits ? Postprocess.softmax(scores) : scores
        }
        timings.postprocess = postMs
        return probabilities
    }
}
