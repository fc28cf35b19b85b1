import COpenVINO
import InferdWire

/// A model read from disk but not yet compiled (`ov_model_t`).
///
/// Used once, on the loading path: describe its ports, add preprocessing, then compile.
public final class ModelGraph: @unchecked Sendable {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { ov_model_free(handle) }

    /// Number of inputs of the model.
    public var inputCount: Int {
        var count = 0
        _ = ov_model_inputs_size(handle, &count)
        return count
    }

    /// Number of outputs of the model.
    public var outputCount: Int {
        var count = 0
        _ = ov_model_outputs_size(handle, &count)
        return count
    }

    /// Describes input `index` (name, element type, shape with `-1` for dynamic dimensions).
    public func input(_ index: Int) throws(OpenVINOError) -> TensorDescription {
        var port: OpaquePointer?
        try ovCheck(ov_model_const_input_by_index(handle, index, &port), "read input \(index)")
        defer { ov_output_const_port_free(port) }
        return try TensorDescription(port: port!)
    }

    /// Describes output `index`.
    public func output(_ index: Int) throws(OpenVINOError) -> TensorDescription {
        var port: OpaquePointer?
        try ovCheck(ov_model_const_output_by_index(handle, index, &port), "read output \(index)")
        defer { ov_output_const_port_free(port) }
        return try TensorDescription(port: port!)
    }

    /// Replaces input 0's shape, for example with dynamic spatial dimensions after preprocessing.
    func reshapeInput(_ dimensions: [ov_dimension_t]) throws(OpenVINOError) {
        var shape = ov_partial_shape_t()
        let rank = ov_rank_t(min: Int64(dimensions.count), max: Int64(dimensions.count))
        try ovCheck(ov_partial_shape_create_dynamic(rank, dimensions, &shape), "create input shape")
        defer { ov_partial_shape_free(&shape) }
        try ovCheck(ov_model_reshape_single_input(handle, shape), "reshape input to dynamic height and width")
    }
}

/// Reading a ``TensorDescription`` (an API type, in InferdWire) from an OpenVINO port.
extension TensorDescription {
    init(port: OpaquePointer) throws(OpenVINOError) {
        var cName: UnsafeMutablePointer<CChar>?
        let name: String
        if ov_port_get_any_name(port, &cName) == OK, let cName {
            name = String(cString: cName)
            ov_free(cName)
        } else {
            name = ""
        }
        var type = ov_element_type_e(0)
        try ovCheck(ov_port_get_element_type(port, &type), "read element type of \(name)")
        let datatype = ElementType(type).openInferenceName
        var partial = ov_partial_shape_t()
        try ovCheck(ov_port_get_partial_shape(port, &partial), "read shape of \(name)")
        defer { ov_partial_shape_free(&partial) }
        let rank = Int(partial.rank.max)
        let shape = (0..<max(rank, 0)).map { i in
            let dimension = partial.dims[i]
            return dimension.min == dimension.max ? dimension.min : -1
        }
        self.init(name: name, datatype: datatype, shape: shape)
    }
}
