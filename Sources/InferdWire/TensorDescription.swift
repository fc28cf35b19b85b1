/// Name, element type and shape of a model input or output, as the Open Inference Protocol reports it.
public struct TensorDescription: Sendable, Equatable, Codable {
    /// The tensor's name (the first of its names).
    public var name: String
    /// Open Inference Protocol datatype: `FP32`, `UINT8`, `INT64`, ….
    public var datatype: String
    /// Dimensions; `-1` marks a dynamic dimension.
    public var shape: [Int64]

    public init(name: String, datatype: String, shape: [Int64]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }
}
