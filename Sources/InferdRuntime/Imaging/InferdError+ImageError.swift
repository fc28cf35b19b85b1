import InferdWire

/// Decoder errors as the API reports them.
extension InferdError {
    /// Maps a decoder error onto the API's codes.
    public init(_ error: ImageError) {
        switch error.code {
        case .empty, .corrupt: self.init(.badImage, error.message)
        case .tooLarge: self.init(.tooLarge, error.message)
        case .unsupportedFormat: self.init(.unsupportedMediaType, error.message)
        }
    }
}
