#if canImport(Glibc)
import Glibc
#endif

/// A decoded image: 8-bit RGB, rows packed (`width * 3` bytes a row), no padding.
///
/// Owns its memory; OpenVINO reads it in place (no copy) through a tensor that keeps the buffer alive.
public final class PixelBuffer: @unchecked Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The first byte of the first row.
    public let bytes: UnsafeMutableRawPointer

    /// Bytes held.
    public var byteCount: Int { width * height * 3 }

    /// Allocates an uninitialised `width` x `height` buffer.
    public init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "PixelBuffer needs a positive size")
        self.width = width
        self.height = height
        bytes = malloc(width * height * 3)!
    }

    deinit { free(bytes) }

    /// The RGB value at (`x`, `y`).
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let p = bytes.advanced(by: (y * width + x) * 3).assumingMemoryBound(to: UInt8.self)
        return (p[0], p[1], p[2])
    }

    /// A copy of the `width` x `height` region whose top-left corner is (`x`, `y`).
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> PixelBuffer {
        precondition(x >= 0 && y >= 0 && x + width <= self.width && y + height <= self.height, "crop outside the image")
        if x == 0, y == 0, width == self.width, height == self.height { return self }
        let result = PixelBuffer(width: width, height: height)
        let rowBytes = width * 3
        for row in 0..<height {
            let source = bytes.advanced(by: ((y + row) * self.width + x) * 3)
            result.bytes.advanced(by: row * rowBytes).copyMemory(from: source, byteCount: rowBytes)
        }
        return result
    }

    /// The mean of each channel (for tests and diagnostics).
    public func channelMeans() -> (r: Double, g: Double, b: Double) {
        let p = bytes.assumingMemoryBound(to: UInt8.self)
        var sums = (0, 0, 0)
        for i in stride(from: 0, to: byteCount, by: 3) {
            sums.0 += Int(p[i]); sums.1 += Int(p[i + 1]); sums.2 += Int(p[i + 2])
        }
        let n = Double(width * height)
        return (Double(sums.0) / n, Double(sums.1) / n, Double(sums.2) / n)
    }
}
