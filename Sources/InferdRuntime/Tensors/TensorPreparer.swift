/// Turns a decoded image into the input tensor a ``TensorInputSpec`` describes: resized (bilinear)
/// when the input has a fixed size, channels reordered and laid out, `FP32` values normalised.
///
/// A dynamic `UINT8` NHWC RGB input (inferd's `/v2`) takes the pixels exactly as decoded: the server
/// resizes inside the model, so the client does no work beyond copying.
public enum TensorPreparer {
    /// The tensor for `pixels`.
    ///
    /// - Parameter normalization: for `FP32` inputs; default: what the spec names, else 0…1
    ///   (``TensorNormalization/unitRange``). Ignored for `UINT8`.
    public static func tensor(from pixels: PixelBuffer, for spec: TensorInputSpec,
                              normalization: TensorNormalization? = nil) -> InputTensor {
        var image = pixels
        if case .fixed(let width, let height) = spec.size, width != pixels.width || height != pixels.height {
            image = resizeBilinear(pixels, width: width, height: height)
        }
        let width = image.width, height = image.height, planeSize = width * height
        let shape: [Int64] = spec.layout == .nhwc ? [1, Int64(height), Int64(width), 3] : [1, 3, Int64(height), Int64(width)]
        let source = UnsafeBufferPointer(start: image.bytes.assumingMemoryBound(to: UInt8.self), count: image.byteCount)
        let order = spec.channelOrder == .rgb ? [0, 1, 2] : [2, 1, 0]
        // Where channel c of pixel p goes in the output.
        let destination: (Int, Int) -> Int = spec.layout == .nhwc ? { p, c in p * 3 + c } : { p, c in c * planeSize + p }

        switch spec.datatype {
        case .uint8:
            if spec.layout == .nhwc, spec.channelOrder == .rgb {
                return InputTensor(name: spec.name, datatype: "UINT8", shape: shape, bytes: Array(source))
            }
            var bytes = [UInt8](repeating: 0, count: planeSize * 3)
            for p in 0..<planeSize {
                for c in 0..<3 { bytes[destination(p, c)] = source[p * 3 + order[c]] }
            }
            return InputTensor(name: spec.name, datatype: "UINT8", shape: shape, bytes: bytes)
        case .float32:
            let norm = normalization ?? spec.normalization ?? .unitRange
            var values = [Float](repeating: 0, count: planeSize * 3)
            for p in 0..<planeSize {
                for c in 0..<3 {
                    let channel = order[c]
                    values[destination(p, c)] = (Float(source[p * 3 + channel]) - norm.mean[channel]) / norm.scale[channel]
                }
            }
            var bytes = [UInt8]()
            bytes.reserveCapacity(values.count * 4)
            for value in values {
                let bits = value.bitPattern.littleEndian
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
            }
            return InputTensor(name: spec.name, datatype: "FP32", shape: shape, bytes: bytes)
        }
    }

    /// `pixels` scaled to `width` x `height` by bilinear interpolation with half-pixel centres (as
    /// OpenCV's `INTER_LINEAR` and OpenVINO's linear resize), no antialiasing.
    public static func resizeBilinear(_ pixels: PixelBuffer, width: Int, height: Int) -> PixelBuffer {
        let result = PixelBuffer(width: width, height: height)
        let source = pixels.bytes.assumingMemoryBound(to: UInt8.self)
        let target = result.bytes.assumingMemoryBound(to: UInt8.self)
        let scaleX = Double(pixels.width) / Double(width)
        let scaleY = Double(pixels.height) / Double(height)
        // Per output column: the two source columns and the weight of the right one.
        let columns: [(Int, Int, Double)] = (0..<width).map { x in
            let sx = max(0, (Double(x) + 0.5) * scaleX - 0.5)
            let x0 = min(Int(sx), pixels.width - 1)
            return (x0, min(x0 + 1, pixels.width - 1), sx - Double(x0))
        }
        for y in 0..<height {
            let sy = max(0, (Double(y) + 0.5) * scaleY - 0.5)
            let y0 = min(Int(sy), pixels.height - 1)
            let y1 = min(y0 + 1, pixels.height - 1)
            let fy = sy - Double(y0)
            let row0 = source + y0 * pixels.width * 3
            let row1 = source + y1 * pixels.width * 3
            let out = target + y * width * 3
            for (x, (x0, x1, fx)) in columns.enumerated() {
                for c in 0..<3 {
                    let top = Double(row0[x0 * 3 + c]) * (1 - fx) + Double(row0[x1 * 3 + c]) * fx
                    let bottom = Double(row1[x0 * 3 + c]) * (1 - fx) + Double(row1[x1 * 3 + c]) * fx
                    out[x * 3 + c] = UInt8(max(0, min(255, (top * (1 - fy) + bottom * fy).rounded())))
                }
            }
        }
        return result
    }
}
