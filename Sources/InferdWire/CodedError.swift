/// The one shape of an error in inferd: a `code` callers switch on and a `message` a person can act
/// on (see /work/shared/STYLE.md: `ServiceGroupError` in swift-service-lifecycle). New error kinds are
/// this type with their own `Code` enum (`typealias SocketTrustError = CodedError<SocketTrustProblem>`)
/// rather than another hand-written struct.
public struct CodedError<Kind: Hashable & Sendable>: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kinds of this error (`ImageError.Code`).
    public typealias Code = Kind

    /// What kind of failure it is.
    public let code: Code
    /// What happened and how to fix it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
