import COpenVINO

/// An error reported by OpenVINO's C API.
///
/// Carries the operation that failed, OpenVINO's status code and OpenVINO's own message
/// (for example the ONNX frontend's reason for rejecting a model file), so a person can act on it.
public struct OpenVINOError: Error, CustomStringConvertible, Sendable {
    /// What inferd was doing (for example `"read model /path/model.onnx"`).
    public let operation: String
    /// The raw `ov_status_e` value.
    public let status: Int32
    /// OpenVINO's description of the status and its last error message.
    public let message: String

    public var description: String { "\(operation): \(message)" }
}

/// Throws an ``OpenVINOError`` unless `status` is `OK`.
///
/// OpenVINO keeps one process-wide "last error message" (a static string behind a mutex in its C
/// API, not one per thread); it is read immediately after the failing call. Two calls that fail at
/// the same instant on different threads can still swap their detail text; the operation and the
/// status are always this call's own.
@inline(__always)
func ovCheck(_ status: ov_status_e, _ operation: @autoclosure () -> String) throws(OpenVINOError) {
    guard status != OK else { return }
    throw OpenVINOError(operation: operation(), status: Int32(status.rawValue), message: lastErrorMessage(status))
}

private func lastErrorMessage(_ status: ov_status_e) -> String {
    let summary = ov_get_error_info(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
    guard let detail = ov_get_last_err_msg() else { return summary }
    defer { ov_free(detail) }
    let text = String(cString: detail).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? summary : "\(summary): \(text)"
}
