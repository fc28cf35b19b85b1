import COpenVINO

/// An OpenVINO tensor (`ov_tensor_t`): element type, shape and a data buffer.
public final class Tensor: @unchecked Sendable {
    let handle: OpaquePointer
    /// Whatever owns host memory this tensor wraps; released after the tensor.
    private let keepAlive: AnyObject?

    init(handle: OpaquePointer, keepAlive: AnyObject?) {
        self.handle = handle
        self.keepAlive = keepAlive
    }

    deinit { ov_tensor_free(handle) }

    /// Wraps `bytes` (owned by `owner`, which the tensor keeps alive) as a `u8` tensor of `shape`,
    /// without copying.
    public static func wrappingBytes(_ bytes: UnsafeMutableRawPointer, shape: [Int64], owner: AnyObject) throws(OpenVINOError) -> Tensor {
        var cShape = ov_shape_t()
        try ovCheck(ov_shape_create(Int64(shape.count), shape, &cShape), "create tensor shape")
        defer { ov_shape_free(&cShape) }
        var tensor: OpaquePointer?
        try ovCheck(ov_tensor_create_from_host_ptr(U8, cShape, bytes, &tensor), "wrap image as tensor \(shape)")
        return Tensor(handle: tensor!, keepAlive: owner)
    }

    /// Allocates an `f32` tensor of `shape` and fills it from `values` (row-major).
    public static func float32(_ values: [Float], shape: [Int64]) throws(OpenVINOError) -> Tensor {
        var cShape = ov_shape_t()
        try ovCheck(ov_shape_create(Int64(shape.count), shape, &cShape), "create tensor shape")
        defer { ov_shape_free(&cShape) }
        var tensor: OpaquePointer?
        try ovCheck(ov_tensor_create(F32, cShape, &tensor), "allocate f32 tensor \(shape)")
        let result = Tensor(handle: tensor!, keepAlive: nil)
        var data: UnsafeMutableRawPointer?
        try ovCheck(ov_tensor_data(tensor, &data), "access tensor data")
        let count = min(values.count, try result.elementCount)
        values.withUnsafeBytes { data!.copyMemory(from: $0.baseAddress!, byteCount: count * MemoryLayout<Float>.size) }
        return result
    }

    /// The tensor's dimensions.
    public var shape: [Int64] {
        get throws(OpenVINOError) {
            var cShape = ov_shape_t()
            try ovCheck(ov_tensor_get_shape(handle, &cShape), "read tensor shape")
            defer { ov_shape_free(&cShape) }
            return (0..<Int(cShape.rank)).map { cShape.dims[$0] }
        }
    }

    /// Number of elements.
    public var elementCount: Int {
        get throws(OpenVINOError) {
            var size = 0
            try ovCheck(ov_tensor_get_size(handle, &size), "read tensor size")
            return size
        }
    }

    /// A copy of the elements as `Float`. Supports f32 and f16 outputs.
    public func floats() throws(OpenVINOError) -> [Float] {
        var type = ov_element_type_e(0)
        try ovCheck(ov_tensor_get_element_type(handle, &type), "read tensor element type")
        var data: UnsafeMutableRawPointer?
        try ovCheck(ov_tensor_data(handle, &data), "access tensor data")
        let count = try elementCount
        switch ElementType(type) {
        case .f32:
            return Array(UnsafeBufferPointer(start: data!.assumingMemoryBound(to: Float.self), count: count))
        case .f16:
            let halves = UnsafeBufferPointer(start: data!.assumingMemoryBound(to: UInt16.self), count: count)
            return halves.map { Float(Float16(bitPattern: $0)) }
        default:
            throw OpenVINOError(operation: "read output", status: -1,
                                message: "unsupported output element type \(ElementType(type).openInferenceName)")
        }
    }
}
