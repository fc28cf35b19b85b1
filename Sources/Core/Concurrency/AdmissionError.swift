/// Why an ``AdmissionGate`` turned work away. Callers switch on ``code``; people read ``message``.
/// The API answers every code with 503 and `Retry-After` (``InferdError/Code/overloaded``).
public struct AdmissionError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        /// Every slot is taken and the queue in front of them is at its bound: refused at once.
        case queueFull
        /// The work waited in the queue until its deadline passed without getting a slot.
        case deadlineExceeded
        /// The waiting task was cancelled (its client went away, or the daemon is stopping).
        case cancelled
    }

    /// See ``Code``.
    public let code: Code
    /// What was full or late, naming the gate.
    public let message: String
    /// How long a client should wait before trying again, seconds (sent as `Retry-After`).
    public let retryAfterSeconds: Int

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int = 1) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }
}
