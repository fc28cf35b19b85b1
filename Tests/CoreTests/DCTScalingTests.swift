import InferdRuntime
import InferdWire
import Testing

/// JPEGs are decoded at the smallest DCT scale that still covers what the model needs: a 2160 x 3840
/// photo for a 224 x 224 model is never decoded at full size.
@Suite struct DCTScalingTests {
    /// Hand-worked against libjpeg-turbo's factors (n/8 for n = 1...16, reduced); results are ceil(side * factor).
    @Test(arguments: [
        // 3840x2160 needs a 256 short side: 1/8 gives 480x270.
        (3840, 2160, 256, 256, 1, 8),
        // 1920x1080: 1/8 gives 135 (too small), 1/4 gives 270.
        (1920, 1080, 256, 256, 1, 4),
        // 960x540: 3/8 gives 202.5 -> 203 (too small), 1/2 gives 270.
        (960, 540, 256, 256, 1, 2),
        // 600x400: 5/8 gives 250 (too small), 3/4 gives 300.
        (600, 400, 256, 256, 3, 4),
        // 600x400 for a 227 squash model: 1/2 gives 200 (too small), 5/8 gives 250.
        (600, 400, 227, 227, 5, 8),
        // Exactly the minimum is enough: 2048/8 = 256.
        (2048, 2048, 256, 256, 1, 8),
        // Rounding up counts: 2050/8 = 256.25 -> 257.
        (2050, 2050, 257, 257, 1, 8),
        // One side binding: 1/2 gives 500x100; 3/8 gives 375x75 (height too small).
        (1000, 200, 300, 100, 1, 2),
        // Already smaller than the minimum: never scaled up.
        (100, 100, 224, 224, 1, 1),
    ])
    func scaleFactor(width: Int, height: Int, minWidth: Int, minHeight: Int, num: Int, denom: Int) {
        let factor = JPEGDecoder.scale(width: width, height: height, minimum: (minWidth, minHeight))
        #expect(factor.num == num && factor.denom == denom, "\(width)x\(height) for \(minWidth)x\(minHeight): got \(factor)")
    }

    @Test func noMinimumMeansFullSize() {
        let factor = JPEGDecoder.scale(width: 3840, height: 2160, minimum: nil)
        #expect(factor.num == 1 && factor.denom == 1)
    }

    /// The 4K coffee for EfficientNet-Lite0 (crop, short side 256): at most a quarter-size decode in each
    /// side (in fact 1/8, 480x270), and still at least the 256x256 the model needs.
    @Test func fourKPhotoForACropModelDecodesAtAnEighth() throws {
        let model = try Fixtures.loaded("efficientnet-lite0")
        let minimum = InputGeometry(manifest: model.bundle.manifest).minimumDecodeSize
        #expect(minimum == (256, 256))
        let decoded = try Fixtures.decode("groups/2160x3840/coffee.jpg", options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        #expect(decoded.originalWidth == 3840 && decoded.originalHeight == 2160)
        let pixels = decoded.pixels
        #expect(pixels.width * 4 <= decoded.originalWidth && pixels.height * 4 <= decoded.originalHeight,
                "decoded \(pixels.width)x\(pixels.height): more than a quarter-size decode")
        #expect(pixels.width >= minimum.width && pixels.height >= minimum.height)
        #expect(pixels.width == (decoded.originalWidth + 7) / 8 && pixels.height == (decoded.originalHeight + 7) / 8)
        #expect(pixels.byteCount * 64 <= decoded.originalWidth * decoded.originalHeight * 3)
        // And it is still the photo: the model sees espresso.
        var timings = StepTimings()
        #expect(try model.classify(pixels, top: 1, timings: &timings).first?.label == "espresso")
    }

    /// A squash model needs both sides at the input size (227 for SqueezeNet); every group lands on 480x270
    /// (2160/8, 1080/4, 540/2), each the smallest scale at or above 227 in both sides.
    @Test(arguments: ["2160x3840", "1080x1920", "540x960"], ["efficientnet-lite0", "squeezenet"])
    func everyGroupDecodesToTheSmallestSufficientSize(group: String, modelName: String) throws {
        let manifest = try Fixtures.bundle(modelName).manifest
        let minimum = InputGeometry(manifest: manifest).minimumDecodeSize
        if manifest.resize.mode == .squash {
            #expect(minimum == (manifest.input.width, manifest.input.height))
        }
        let decoded = try Fixtures.decode("groups/\(group)/coffee.jpg", options: DecodeOptions(minimumSize: minimum))
        let pixels = decoded.pixels
        #expect(pixels.width >= minimum.width && pixels.height >= minimum.height, "\(pixels.width)x\(pixels.height) below \(minimum)")
        #expect(pixels.width == 480 && pixels.height == 270, "\(group) for \(modelName): \(pixels.width)x\(pixels.height)")
        let factor = JPEGDecoder.scale(width: decoded.originalWidth, height: decoded.originalHeight, minimum: minimum)
        #expect(pixels.width == (decoded.originalWidth * factor.num + factor.denom - 1) / factor.denom)
    }

    @Test func smallPhotosAndPNGsAreDecodedAtFullSize() throws {
        let jpeg = try Fixtures.decode("coffee.jpg", options: DecodeOptions(minimumSize: (1000, 1000)))
        #expect(jpeg.pixels.width == 600 && jpeg.pixels.height == 400)
        let full = try Fixtures.decode("coffee.jpg")
        #expect(full.pixels.width == full.originalWidth && full.pixels.height == full.originalHeight)
        // PNG has no cheap downscale: the minimum size does not change it.
        let png = try Fixtures.decode("chelsea.png", options: DecodeOptions(minimumSize: (16, 16)))
        #expect(png.pixels.width == png.originalWidth && png.pixels.height == png.originalHeight)
    }
}
