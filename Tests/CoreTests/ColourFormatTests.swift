import Foundation
import InferdRuntime
import InferdWire
import Testing

/// Grey, CMYK, palette, 16-bit and alpha images become RGB that looks like the same photo: their
/// channel means match the RGB decode of coffee.jpg (the photo they were all made from, same size).
@Suite struct ColourFormatTests {
    typealias Means = (r: Double, g: Double, b: Double)

    static func reference() throws -> PixelBuffer { try Fixtures.decode("coffee.jpg").pixels }

    /// ITU-R 601 luma, as the grey fixtures were made (PIL `convert("L")`). Linear, so it commutes with the mean.
    static func luma(_ m: Means) -> Double { 0.299 * m.r + 0.587 * m.g + 0.114 * m.b }

    static func close(_ a: Means, _ b: Means, within tolerance: Double) -> Bool {
        abs(a.r - b.r) <= tolerance && abs(a.g - b.g) <= tolerance && abs(a.b - b.b) <= tolerance
    }

    static func format(_ m: Means) -> String { String(format: "(%.1f, %.1f, %.1f)", m.r, m.g, m.b) }

    @Test(arguments: ["bad/cmyk.jpg", "bad/palette.png"])
    func colourImageMatchesTheRGBDecode(file: String) throws {
        let reference = try Self.reference()
        let pixels = try Fixtures.decode(file).pixels
        #expect(pixels.width == reference.width && pixels.height == reference.height)
        let expected = reference.channelMeans(), actual = pixels.channelMeans()
        print("\(file): means \(Self.format(actual)), coffee.jpg \(Self.format(expected))")
        // CMYK re-encoded at quality 92 and a 64-colour palette both keep the means within a few levels;
        // an inverted CMYK would be about 255 - mean (over 100 levels off in every channel).
        #expect(Self.close(actual, expected, within: 4), "\(file) \(Self.format(actual)) vs \(Self.format(expected))")
        #expect(Self.correlation(pixels, reference) > 0.95)
    }

    @Test(arguments: ["bad/grey.jpg", "bad/grey16.png"])
    func greyImageIsGreyWithTheReferenceLuma(file: String) throws {
        let reference = try Self.reference()
        let pixels = try Fixtures.decode(file).pixels
        #expect(pixels.width == reference.width && pixels.height == reference.height)
        let actual = pixels.channelMeans(), luma = Self.luma(reference.channelMeans())
        print("\(file): means \(Self.format(actual)), coffee.jpg luma \(String(format: "%.1f", luma))")
        #expect(actual.r == actual.g && actual.g == actual.b, "grey must come out with R = G = B")
        #expect(abs(actual.r - luma) <= 2, "\(file) mean \(actual.r) vs luma \(luma)")
        #expect(Self.correlation(pixels, reference) > 0.95)
    }

    /// Pearson correlation of the green channels: the same picture, not just the same average.
    static func correlation(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        let pa = a.bytes.assumingMemoryBound(to: UInt8.self), pb = b.bytes.assumingMemoryBound(to: UInt8.self)
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
        let n = Double(a.width * a.height)
        for i in stride(from: 1, to: a.byteCount, by: 3) {
            let x = Double(pa[i]), y = Double(pb[i])
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
        }
        let cov = sab / n - sa / n * sb / n
        return cov / ((saa / n - sa * sa / n / n).squareRoot() * (sbb / n - sb * sb / n / n).squareRoot())
    }

    @Test(arguments: ["bad/rgba.png", "bad/rgba16.png"])
    func alphaIsCompositedOntoWhite(file: String) throws {
        let reference = try Self.reference()
        let pixels = try Fixtures.decode(file).pixels
        #expect(pixels.width == reference.width && pixels.height == reference.height)
        // samples.py gives these an alpha ramp from opaque at the left to 1/4 at the right. The
        // left-most column is opaque: it matches the photo.
        let left = pixels.cropped(x: 0, y: 0, width: 1, height: pixels.height).channelMeans()
        let referenceLeft = reference.cropped(x: 0, y: 0, width: 1, height: reference.height).channelMeans()
        let right = pixels.cropped(x: pixels.width - 4, y: 0, width: 4, height: pixels.height).channelMeans()
        let referenceRight = reference.cropped(x: reference.width - 4, y: 0, width: 4, height: reference.height).channelMeans()
        print("\(file): left \(Self.format(left)) vs \(Self.format(referenceLeft)); right \(Self.format(right)) vs \(Self.format(referenceRight)); all \(Self.format(pixels.channelMeans())) vs \(Self.format(reference.channelMeans()))")
        #expect(Self.close(left, referenceLeft, within: 3), "\(Self.format(left)) vs \(Self.format(referenceLeft))")
        // At alpha 1/4 onto white at least 3/4 of the way from the photo to 255 (more when composited in linear light).
        for (value, photo) in [(right.r, referenceRight.r), (right.g, referenceRight.g), (right.b, referenceRight.b)] {
            #expect(value >= photo + 0.75 * (255 - photo) - 3 && value <= 255, "right edge \(value), photo \(photo)")
        }
    }

    /// CMYK and grey JPEGs of the espresso photo still classify as espresso (top-5) through the real model.
    @Test(arguments: ["bad/cmyk.jpg", "bad/grey.jpg"])
    func unusualJPEGsStillClassify(file: String) throws {
        let model = try Fixtures.loaded("efficientnet-lite0")
        let decoded = try Fixtures.decode(file, options: model.decodeOptions(maxPixels: DecodeOptions.defaultMaxPixels))
        var timings = StepTimings()
        let top = try model.classify(decoded.pixels, top: 5, timings: &timings)
        #expect(top.contains { $0.label == "espresso" }, "\(file): \(top.map(\.label))")
    }
}
