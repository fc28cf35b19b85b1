import InferdRuntime
import Testing

/// The JPEG encoder used by `inferctl classify --resize client`: what it writes decodes back to the
/// same size and nearly the same pixels.
@Suite struct JPEGEncoderTests {
    /// A smooth gradient (JPEG's easy case) so pixel differences measure the codec, not aliasing.
    func gradient(width: Int, height: Int) -> PixelBuffer {
        let buffer = PixelBuffer(width: width, height: height)
        let p = buffer.bytes.assumingMemoryBound(to: UInt8.self)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                p[i] = UInt8(x * 255 / max(1, width - 1))
                p[i + 1] = UInt8(y * 255 / max(1, height - 1))
                p[i + 2] = 128
            }
        }
        return buffer
    }

    @Test(arguments: [(64, 48), (333, 201), (1, 1)])
    func roundTripKeepsSizeAndPixels(size: (Int, Int)) throws {
        let original = gradient(width: size.0, height: size.1)
        let encoded = try JPEGEncoder.encode(original, quality: 90)
        #expect(encoded.starts(with: [0xFF, 0xD8, 0xFF]))
        let decoded = try ImageDecoder.decode(encoded).pixels
        #expect(decoded.width == original.width)
        #expect(decoded.height == original.height)
        var worst = 0, total = 0
        let a = original.bytes.assumingMemoryBound(to: UInt8.self), b = decoded.bytes.assumingMemoryBound(to: UInt8.self)
        for i in 0..<original.byteCount {
            let difference = abs(Int(a[i]) - Int(b[i]))
            worst = max(worst, difference)
            total += difference
        }
        #expect(Double(total) / Double(original.byteCount) < 2.0, "mean absolute difference")
        #expect(worst < 24)
    }

    @Test func aRealPhotoSurvivesDownscaleAndReencode() throws {
        let photo = try ImageDecoder.decode(try Fixtures.bytes(Fixtures.sample("groups/2160x3840/coffee.jpg")),
                                            options: DecodeOptions(minimumSize: (256, 256)))
        #expect(photo.pixels.width == 480 && photo.pixels.height == 270)
        let encoded = try JPEGEncoder.encode(photo.pixels)
        let again = try ImageDecoder.decode(encoded).pixels
        #expect(again.width == 480 && again.height == 270)
        let before = photo.pixels.channelMeans(), after = again.channelMeans()
        #expect(abs(before.r - after.r) < 1.5 && abs(before.g - after.g) < 1.5 && abs(before.b - after.b) < 1.5)
        #expect(encoded.count < 100_000, "a 480x270 JPEG at quality 90 is tens of kilobytes, got \(encoded.count)")
    }

    @Test func lowerQualityIsSmaller() throws {
        let photo = try ImageDecoder.decode(try Fixtures.bytes(Fixtures.sample("coffee.jpg"))).pixels
        #expect(try JPEGEncoder.encode(photo, quality: 50).count < JPEGEncoder.encode(photo, quality: 95).count)
    }

    @Test(arguments: [0, 101, -5])
    func qualityOutOfRangeIsATypedError(quality: Int) {
        #expect(throws: ImageEncodingError.self) { try JPEGEncoder.encode(gradient(width: 8, height: 8), quality: quality) }
        do {
            _ = try JPEGEncoder.encode(gradient(width: 8, height: 8), quality: quality)
        } catch {
            #expect(error.code == .invalidParameter)
        }
    }
}
