import COpenVINO
import InferdWire

/// A model compiled for a device (`ov_compiled_model_t`): the resident, warm form of a model.
///
/// Thread-safe: infer requests may be created from any thread. Releasing the last reference frees
/// the compiled code and weights (the memory really comes back to the process's allocator).
public final class CompiledModel: @unchecked Sendable {
    let handle: OpaquePointer
    /// Memory the compiled model reads from (an imported blob's buffer: OpenVINO shares it rather than
    /// copying), released after the model.
    private let keepAlive: AnyObject?

    init(handle: OpaquePointer, keepAlive: AnyObject? = nil) {
        self.handle = handle
        self.keepAlive = keepAlive
    }

    deinit { ov_compiled_model_free(handle) }

    /// Creates an infer request: the per-call state (input and output buffers) for one inference at a time.
    public func makeInferRequest() throws(OpenVINOError) -> InferRequest {
        var request: OpaquePointer?
        try ovCheck(ov_compiled_model_create_infer_request(handle, &request), "create infer request")
        return InferRequest(handle: request!)
    }

    /// Writes the compiled model (code, weights, the preprocessing built into it) to `path`, for
    /// ``Engine/importCompiledModel(_:device:)``.
    public func export(to path: String) throws(OpenVINOError) {
        try ovCheck(ov_compiled_model_export_model(handle, path), "export compiled model to \(path)")
    }

    /// Reads a property of the compiled model, for example `INFERENCE_PRECISION_HINT` (the precision
    /// OpenVINO actually chose) or `OPTIMAL_NUMBER_OF_INFER_REQUESTS`.
    public func property(_ key: String) throws(OpenVINOError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        try ovCheck(ov_compiled_model_get_property(handle, key, &value), "read compiled-model property \(key)")
        defer { ov_free(value) }
        return value.map { String(cString: $0) } ?? ""
    }

    /// Describes input `index` of the compiled model (after preprocessing was added).
    public func input(_ index: Int) throws(OpenVINOError) -> TensorDescription {
        var port: OpaquePointer?
        try ovCheck(ov_compiled_model_input_by_index(handle, index, &port), "read compiled input \(index)")
        defer { ov_output_const_port_free(port) }
        return try TensorDescription(port: port!)
    }

    /// Describes output `index` of the compiled model.
    public func output(_ index: Int) throws(OpenVINOError) -> TensorDescription {
        var port: OpaquePointer?
        try ovCheck(ov_compiled_model_output_by_index(handle, index, &port), "read compiled output \(index)")
        defer { ov_output_const_port_free(port) }
        return try TensorDescription(port: port!)
    }
}
