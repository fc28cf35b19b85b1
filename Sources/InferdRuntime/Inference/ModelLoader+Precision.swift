import Core
import InferdWire

extension ModelLoader {
    /// Rounds of calibration inferences per precision; the first of them only warms up and records the top-5.
    static let calibrationRounds = 6

    /// Compiles `bundle` at f32 and at each of `candidates`, runs the calibration images through each
    /// (interleaved round by round, so a noisy neighbour slows every precision alike), and decides by
    /// ``PrecisionChoice/decide(_:images:photos:)``. Returns the chosen compiled model too: it is not
    /// compiled twice.
    func measurePrecision(_ bundle: ModelBundle, options: EngineOptions, candidates: [EngineOptions.Precision],
                          store: CompiledModelStore?) throws -> (PrecisionChoice, Built) {
        let (images, photos) = calibration(for: bundle)
        let precisions: [EngineOptions.Precision] = [.f32] + candidates.filter { $0 != .f32 }
        var models: [(precision: EngineOptions.Precision, built: Built, model: LoadedModel)] = []
        for precision in precisions {
            var options = options
            options.precision = precision
            let built = try compileFresh(bundle, options: options, store: store)
            let report = LoadReport(readMilliseconds: 0, compileMilliseconds: 0, residentBytes: 0, precision: precision.rawValue)
            let pool = InferRequestPool(model: built.compiled, capacity: 1, queueLimit: 0)
            models.append((precision, built, LoadedModel(bundle: bundle, compiled: built.compiled, options: options, loadReport: report,
                                                         networkInputs: built.inputs, networkOutputs: built.outputs,
                                                         streams: StreamRouter(primary: pool, enabled: false))))
        }
        var top5 = Array(repeating: [[Int]](), count: models.count)
        var times = Array(repeating: [Double](), count: models.count)
        for round in 0..<Self.calibrationRounds {
            for (index, entry) in models.enumerated() {
                for image in images {
                    var timings = StepTimings()
                    let labels = try entry.model.classifyBlocking(image, top: 5, timings: &timings)
                    if round == 0 { top5[index].append(labels.map(\.index)) } else { times[index].append(timings.compute) }
                }
            }
        }
        let measurements = models.indices.map { index in
            let agreement = zip(top5[index], top5[0]).map { Double(Set($0).intersection($1).count) / Double(max(1, $1.count)) }
            return PrecisionChoice.Measurement(
                precision: models[index].precision, medianMilliseconds: Self.median(times[index]),
                top5Agreement: agreement.reduce(0, +) / Double(max(1, agreement.count)),
                sameTop1: zip(top5[index], top5[0]).allSatisfy { $0.first == $1.first })
        }
        let choice = PrecisionChoice.decide(measurements, images: images.count, photos: photos)
        let kept = models.first { $0.precision == choice.chosen } ?? models[0]
        return (choice, kept.built)
    }

    /// The calibration images: the configured photos, or (without any) four synthetic patterns (gradients, a checkerboard, a hash-like texture)
    /// at the network's input size (recorded as such: agreement on patterns says less than on photos).
    private func calibration(for bundle: ModelBundle) -> ([PixelBuffer], Bool) {
        if !calibrationImages.isEmpty { return (calibrationImages, true) }
        let width = bundle.manifest.input.width, height = bundle.manifest.input.height
        let images = (0..<4).map { pattern -> PixelBuffer in
            let image = PixelBuffer(width: width, height: height)
            let bytes = image.bytes.assumingMemoryBound(to: UInt8.self)
            for y in 0..<height {
                for x in 0..<width {
                    for channel in 0..<3 {
                        let value: Int = switch pattern {
                        case 0: (x * 255 / max(1, width - 1) + channel * 60) % 256
                        case 1: ((x / 16 + y / 16) % 2 == 0 ? 220 : 30) + channel * 5
                        case 2: (y * 255 / max(1, height - 1) + x * channel) % 256
                        default: ((x * 7 + y * 13) ^ (x * y)) % 256 + channel
                        }
                        bytes[(y * width + x) * 3 + channel] = UInt8(truncatingIfNeeded: value)
                    }
                }
            }
            return image
        }
        return (images, false)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

extension InferRequestPool {
    /// Infer requests for a compiled model whose `OPTIMAL_NUMBER_OF_INFER_REQUESTS` is `optimal`: one
    /// more, so the next inference is already queued inside OpenVINO when one finishes and no stream
    /// idles while a completion travels back through Swift (with the latency hint OpenVINO reports
    /// one: inferd keeps two).
    public static func capacity(optimal: Int) -> Int { max(1, optimal) + 1 }
}
