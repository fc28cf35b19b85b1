import InferdRuntime
import InferdWire

/// An image sent as a tensor (Open Inference `/infer`): `UINT8`, shape `[1, height, width, 3]`
/// (or `[height, width, 3]`), RGB, rows packed — decoded straight into the pixel buffer the model
/// reads, so the request holds its pixels once.
public struct ImageTensor: Sendable {
    public var name: String
    public var shape: [Int64]
    public var datatype: String
    /// The pixels, `width` x `height` from the shape.
    public var pixels: PixelBuffer

    /// - Precondition: `shape` passed ``validate(name:shape:datatype:maxPixels:)`` and `pixels` has its size.
    public init(name: String, shape: [Int64], datatype: String, pixels: PixelBuffer) {
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.pixels = pixels
    }

    /// Checks what a tensor declares — datatype, shape, size — before any of its elements is read.
    ///
    /// - Throws: as ``validate(maxPixels:)``.
    public static func validate(name: String, shape: [Int64], datatype: String, maxPixels: Int) throws(InferdError) {
        guard datatype == "UINT8" else {
            throw InferdError(.badRequest, "input \(name): datatype must be UINT8 (RGB pixels), not \(datatype)")
        }
        let shapeText = "[\(shape.map(String.init).joined(separator: ","))]"
        guard (shape.count == 4 && shape[0] == 1) || shape.count == 3, shape.last == 3 else {
            throw InferdError(.badRequest, "input \(name): shape must be [1,height,width,3] (NHWC RGB), not \(shapeText)")
        }
        let height = shape[shape.count - 3], width = shape[shape.count - 2]
        guard height > 0, width > 0, height <= 1 << 20, width <= 1 << 20 else {
            throw InferdError(.badRequest, "input \(name): height and width must be positive, not \(shapeText)")
        }
        guard height * width <= Int64(maxPixels) else {
            throw InferdError(.tooLarge, "input \(name): \(width)x\(height) pixels is above the limit of \(maxPixels)")
        }
    }

    /// The bytes a validated `UINT8` image shape holds (height × width × 3).
    public static func byteCount(shape: [Int64]) -> Int {
        Int(shape[shape.count - 3] * shape[shape.count - 2] * 3)
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
