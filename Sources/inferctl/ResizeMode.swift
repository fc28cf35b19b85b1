import ArgumentParser

/// Who downscales the image: the paper's choice between resizing on the client before sending and
/// sending the original for the server to resize.
enum ResizeMode: String, ExpressibleByArgument, CaseIterable, Encodable {
    /// inferctl decodes with DCT scaling to the model's minimum size and sends a small JPEG.
    case client
    /// inferctl sends the original bytes; the daemon decodes (with DCT scaling) and resizes.
    case server
}
