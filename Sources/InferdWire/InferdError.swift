/// An error the API reports to a client: a code callers switch on, an HTTP status, and a message a
/// person can act on. Every failure on the request path becomes one of these.
public struct InferdError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable, Codable {
        /// No model of that name in the catalog (404).
        case unknownModel
        /// The request is malformed: bad JSON, missing field, bad query value (400).
        case badRequest
        /// The image is empty, corrupt or truncated (400).
        case badImage
        /// The body or the image's declared size is over the limit (413).
        case tooLarge
        /// Not a JPEG or PNG (415).
        case unsupportedMediaType
        /// OpenVINO could not read or compile the model (500).
        case loadFailed
        /// Inference failed (500).
        case inferenceFailed
        /// The model can never fit in the memory budget, or room could not be made (507).
        case insufficientMemory
        /// The daemon is draining for shutdown (503).
        case shuttingDown
        /// The daemon cannot take the request now — too much request data in flight, no room in a
        /// queue, no answer possible before the deadline — and says when to try again (503 with
        /// `Retry-After`, see ``InferdError/retryAfter``).
        case overloaded
        /// The caller may not do this (403).
        case forbidden
        /// No such route (404) or method (405).
        case notFound, methodNotAllowed
        /// The model exists but the operation does not apply in its state, e.g. unloading a pinned model (409).
        case conflict
    }

    public let code: Code
    public let message: String
    /// Seconds the client should wait before trying again: sent as `Retry-After` (with 503). Set for
    /// every ``Code/overloaded`` (1 s unless said otherwise): the queue in front of the workers is full,
    /// a deadline passed while the request waited, too much request data is in flight, a model's
    /// inference queue is full, or a client holds too many connections. Nothing was run.
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter ?? (code == .overloaded ? 1 : nil)
    }

    /// A 503 the client may retry after `retryAfter` seconds: the one way the daemon says "not now".
    public static func overloaded(_ message: String, retryAfter: Int) -> InferdError {
        InferdError(.overloaded, message, retryAfter: max(1, retryAfter))
    }

    public var description: String { message }

    /// The HTTP status for this error.
    public var httpStatus: Int {
        switch code {
        case .unknownModel, .notFound: 404
        case .badRequest, .badImage: 400
        case .tooLarge: 413
        case .unsupportedMediaType: 415
        case .loadFailed, .inferenceFailed: 500
        case .insufficientMemory: 507
        case .shuttingDown, .overloaded: 503
        case .forbidden: 403
        case .methodNotAllowed: 405
        case .conflict: 409
        }
    }
}

/// The JSON body of every error answer: `{"error": "...", "code": "unknownModel"}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public var error: String
    public var code: InferdError.Code?

    public init(error: String, code: InferdError.Code? = nil) {
        self.error = error
        self.code = code
    }

    enum CodingKeys: String, CodingKey {
        case error, code
    }

    /// Every key, `null` where a value is nil (synthesized encoding would drop it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(error, forKey: .error)
        try c.encode(code, forKey: .code)
    }
}
