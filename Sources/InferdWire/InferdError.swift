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
        /// The caller may not do this (403).
        case forbidden
        /// No such route (404) or method (405).
        case notFound, methodNotAllowed
        /// The model exists but the operation does not apply in its state, e.g. unloading a pinned model (409).
        case conflict
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
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
        case .shuttingDown: 503
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
}
