import Core
import InferdRuntime
import InferdWire

extension InferdError {
    /// A refusal by an ``AdmissionGate`` (queue full, deadline passed, cancelled): 503 `overloaded`,
    /// with the gate's `Retry-After`.
    init(_ error: AdmissionError) {
        self.init(.overloaded, "not served in time: \(error.message); retry after \(error.retryAfterSeconds) s",
                  retryAfter: error.retryAfterSeconds)
    }
}
