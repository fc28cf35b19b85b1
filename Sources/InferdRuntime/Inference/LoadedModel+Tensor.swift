import Core
import InferdWire

/// Running a raw image tensor, for the Open Inference Protocol's `/infer`: the caller sends `u8` RGB
/// pixels laid out `[1, height, width, 3]` and gets the whole probability vector back.
extension LoadedModel {
    /// What ``probabilities(of:timings:)`` takes: `UINT8 [1, -1, -1, 3]` (NHWC RGB, any height and
    /// width), named like the network's input. Read from the compiled model when OpenVINO can tell.
    public var imageInput: TensorDescription {
        let name = networkInputs.first?.name ?? "input"
        if let compiledInput = try? compiled.input(0), compiledInput.shape.count == 4 {
            return TensorDescription(name: compiledInput.name.isEmpty ? name : compiledInput.name,
                                     datatype: compiledInput.datatype, shape: compiledInput.shape)
        }
        return TensorDescription(name: name, datatype: "UINT8", shape: [1, -1, -1, 3])
    }

    /// What ``probabilities(of:timings:)`` returns: `FP32 [1, classes]`, named like the network's output.
    public var probabilitiesOutput: TensorDescription {
        let network = networkOutputs.first
        let classes = network?.shape.last.flatMap { $0 > 0 ? $0 : nil } ?? Int64(bundle.labels.count)
        return TensorDescription(name: network?.name ?? "output", datatype: "FP32", shape: [1, classes])
    }

    /// Runs `pixels` as they are (no centre crop: the built-in preprocessing resizes the whole image
    /// to the network's input) and returns the class probabilities, softmax applied when the network
    /// ends in logits.
    ///
    /// Fills `timings.preprocess` (wrapping the pixels as a tensor), `compute` and `postprocess`.
    /// Blocks the calling thread during inference; call it through ``BlockingWork``.
    ///
    /// - Throws: ``OpenVINOError`` when inference fails.
    public func probabilities(of pixels: PixelBuffer, timings: inout StepTimings) throws -> [Float] {
        let (tensor, preprocessMs) = try Stopwatch.time { () throws(OpenVINOError) -> Tensor in
            try Tensor.wrappingBytes(pixels.bytes, shape: [1, Int64(pixels.height), Int64(pixels.width), 3], owner: pixels)
        }
        timings.preprocess = preprocessMs
        let (scores, computeMs) = try Stopwatch.time { () throws -> [Float] in
            try requests.withRequest { request in
                try request.setInput(tensor)
                try request.infer()
                return try request.output(0).floats()
            }
        }
        timings.compute = computeMs
        let (probabilities, postMs) = Stopwatch.time { () -> [Float] in
            bundle.manifest.output == .logits ? Postprocess.softmax(scores) : scores
        }
        timings.postprocess = postMs
        return probabilities
    }
}
