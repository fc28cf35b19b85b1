import InferdWire

/// An image sent as a tensor (Open Inference `/infer`): `UINT8`, shape `[1, height, width, 3]`
/// (or `[height, width, 3]`), RGB, rows packed.
public struct ImageTensor: Sendable {
    public var name: String
    public var shape: [Int64]
    public var datatype: String
    public var bytes: [UInt8]

    public init(name: String, shape: [Int64], datatype: String, bytes: [UInt8]) {
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.bytes = bytes
    }

    /// Height from the shape (valid after ``validate(maxPixels:)``).
    public var height: Int { Int(shape[shape.count - 3]) }
    /// Width from the shape (valid after ``validate(maxPixels:)``).
    public var width: Int { Int(shape[shape.count - 2]) }

    /// Checks datatype, shape and size.
    ///
    /// - Throws: ``InferdError`` `.badRequest` for a wrong datatype, shape or byte count, `.tooLarge`
    ///   when height × width exceeds `maxPixels`.
    public func validate(maxPixels: Int) throws(InferdError) {
        guard datatype == "UINT8" else {
            throw InferdError(.badRequest, "input \(name): datatype must be UINT8 (RGB pixels), not \(datatype)")
        }
        let shapeText = "[\(shape.map(String.init).joined(separator: ","))]"
        guard (shape.count == 4 && shape[0] == 1) || shape.count == 3, shape.last == 3 else {
            throw InferdError(.badRequest, "input \(name): shape must be [1,height,width,3] (NHWC RGB), not \(shapeText)")
        }
        guard height > 0, width > 0, height <= 1 << 20, width <= 1 << 20 else {
            throw InferdError(.badRequest, "input \(name): height and width must be positive, not \(shapeText)")
        }
        guard height * width <= maxPixels else {
            throw InferdError(.tooLarge, "input \(name): \(width)x\(height) pixels is above the limit of \(maxPixels)")
        }
        guard bytes.count == height * width * 3 else {
            throw InferdError(.badRequest, "input \(name): shape \(shapeText) needs \(height * width * 3) bytes, got \(bytes.count)")
        }
    }
}

/// The answer of a raw inference: one output tensor.
public struct TensorResult: Sendable {
    public var model: String
    /// Name, datatype (`FP32`) and shape (`[1, classes]`).
    public var output: TensorDescription
    public var values: [Float]
    public var cold: Bool
    public var timings: StepTimings
}
