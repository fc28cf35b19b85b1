import COpenVINO

/// The element types inferd exchanges with OpenVINO, with their Open Inference Protocol names.
public enum ElementType: Sendable, Equatable {
    case f32, f16, bf16, f64, u8, i8, i16, i32, i64, u16, u32, u64, boolean, other

    init(_ type: ov_element_type_e) {
        switch type {
        case F32: self = .f32
        case F16: self = .f16
        case BF16: self = .bf16
        case F64: self = .f64
        case U8: self = .u8
        case I8: self = .i8
        case I16: self = .i16
        case I32: self = .i32
        case I64: self = .i64
        case U16: self = .u16
        case U32: self = .u32
        case U64: self = .u64
        default: self = .other
        }
    }

    /// The datatype string of the Open Inference Protocol (KServe v2).
    public var openInferenceName: String {
        switch self {
        case .f32: "FP32"
        case .f16: "FP16"
        case .bf16: "BF16"
        case .f64: "FP64"
        case .u8: "UINT8"
        case .i8: "INT8"
        case .i16: "INT16"
        case .i32: "INT32"
        case .i64: "INT64"
        case .u16: "UINT16"
        case .u32: "UINT32"
        case .u64: "UINT64"
        case .boolean: "BOOL"
        case .other: "UNKNOWN"
        }
    }
}
