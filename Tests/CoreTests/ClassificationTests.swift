import InferdRuntime
import InferdWire
import Testing

/// The real EfficientNet-Lite0 weights through the real decoder and OpenVINO give the right classes.
@Suite struct ClassificationTests {
    func classify(_ file: String, model name: String = "efficientnet-lite0", top: Int = 5) throws -> [ClassLabel] {
        let model = try Fixtures.loaded(name)
        let decoded = try ImageDecoder.decode(try Fixtures.bytes(Fixtures.sample(file)), options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        var timings = StepTimings()
        return try model.classify(decoded.pixels, top: top, timings: &timings)
    }

    @Test func chelseaIsACat() throws {
        let labels = try classify("chelsea.jpg").map(\.label)
        #expect(labels.contains { $0.hasPrefix("tabby") || $0.hasPrefix("tiger cat") || $0.hasPrefix("Egyptian cat") }, "\(labels)")
    }

    @Test func coffeeIsEspresso() throws {
        let top = try classify("coffee.jpg")
        #expect(top.first?.label == "espresso", "\(top)")
        #expect(top[0].probability > 0.5)
    }

    @Test func rocketIsAMissileOrShuttle() throws {
        let labels = try classify("rocket.jpg").map(\.label)
        #expect(labels.contains { $0.hasPrefix("missile") || $0.hasPrefix("projectile") || $0.hasPrefix("space shuttle") }, "\(labels)")
    }

    @Test func pngDecodesToTheSameClass() throws {
        let labels = try classify("chelsea.png").map(\.label)
        #expect(labels.contains { $0.hasPrefix("tabby") || $0.hasPrefix("tiger cat") || $0.hasPrefix("Egyptian cat") }, "\(labels)")
    }

    @Test func the4KGroupClassifiesLikeTheOriginal() throws {
        let top = try classify("groups/2160x3840/coffee.jpg")
        #expect(top.first?.label == "espresso", "\(top)")
    }

    @Test func probabilitiesAreADistribution() throws {
        let all = try classify("coffee.jpg", top: 1000)
        let sum = all.reduce(Float(0)) { $0 + $1.probability }
        #expect(abs(sum - 1) < 1e-3)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.probability >= $1.probability })
    }

    @Test(arguments: ["squeezenet", "nin", "alexnet"])
    func paperModelsRunAndSayTheirWeightsAreSynthetic(name: String) throws {
        let bundle = try Fixtures.bundle(name)
        #expect(bundle.manifest.syntheticWeights)
        let top = try classify("coffee.jpg", model: name, top: 3)
        #expect(top.count == 3)
        #expect(top.allSatisfy { $0.probability.isFinite && $0.probability >= 0 })
    }
}
