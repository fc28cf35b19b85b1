import COpenVINO

/// One inference at a time on a compiled model (`ov_infer_request_t`).
///
/// Not thread-safe: a request is used by one caller at a time (``InferRequestPool`` hands them out).
/// ``infer()`` blocks its thread while OpenVINO computes on its own worker threads.
public final class InferRequest: @unchecked Sendable {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { ov_infer_request_free(handle) }

    /// Binds `tensor` as input 0. The tensor (and any host memory it wraps) must stay alive until
    /// ``infer()`` returns.
    public func setInput(_ tensor: Tensor, index: Int = 0) throws(OpenVINOError) {
        try ovCheck(ov_infer_request_set_input_tensor_by_index(handle, index, tensor.handle), "set input tensor \(index)")
    }

    /// Runs the model synchronously.
    public func infer() throws(OpenVINOError) {
        try ovCheck(ov_infer_request_infer(handle), "infer")
    }

    /// Output `index` after ``infer()``. The tensor's memory belongs to this request and is
    /// overwritten by the next inference: copy what you keep.
    public func output(_ index: Int = 0) throws(OpenVINOError) -> Tensor {
        var tensor: OpaquePointer?
        try ovCheck(ov_infer_request_get_output_tensor_by_index(handle, index, &tensor), "get output tensor \(index)")
        return Tensor(handle: tensor!, keepAlive: nil)
    }
}
