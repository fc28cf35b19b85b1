/// One input tensor ready to send to an Open Inference Protocol server: its name, datatype, shape and
/// raw bytes (row-major, little-endian for multi-byte types, as the binary tensor extension carries them).
public struct InputTensor: Sendable, Equatable {
    /// The model input it feeds (from the model's metadata).
    public var name: String
    /// `UINT8` or `FP32`.
    public var datatype: String
    /// The dimensions, e.g. `[1, 300, 451, 3]` (NHWC) or `[1, 3, 224, 224]` (NCHW).
    public var shape: [Int64]
    /// The elements' bytes.
    public var bytes: [UInt8]

    public init(name: String, datatype: String, shape: [Int64], bytes: [UInt8]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
        self.bytes = bytes
    }

    /// The elements as numbers, for a tensor sent as JSON `data`: `UINT8` bytes as they are, `FP32`
    /// read little-endian.
    public var numbers: [Double] {
        guard datatype == "FP32" else { return bytes.map(Double.init) }
        return stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Double(Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24))
        }
    }
}
