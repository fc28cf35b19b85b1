/// Where the time of one HTTP exchange went, seen from the client, in milliseconds.
///
/// The phases follow each other without gaps: `endToEnd == connect + upload + wait + download`
/// (up to clock rounding).
public struct ClientTimings: Codable, Sendable, Equatable {
    /// Opening the Unix socket connection.
    public var connect: Double = 0
    /// Writing the request head and body into the socket. For a body larger than the socket buffer
    /// this includes waiting for the daemon to read it.
    public var upload: Double = 0
    /// From the last byte written to the first byte of the answer: the daemon's work plus scheduling.
    public var wait: Double = 0
    /// From the first to the last byte of the answer.
    public var download: Double = 0
    /// From before connecting to the last byte of the answer.
    public var endToEnd: Double = 0

    /// All phases zero.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case connect, upload, wait, download
        case endToEnd = "end_to_end"
    }
}
