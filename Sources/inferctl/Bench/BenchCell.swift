import Core

/// One cell of the study: a model × an image group × a mode × a resize choice, measured over
/// `--repeat` passes. Its JSON keys are stable; every key is always present (null when it does not
/// apply).
struct BenchCell: Codable, Sendable {
    var model: String
    var group: String
    var mode: BenchMode
    var resize: String
    /// Image size the group declares (nil for `--images`).
    var width: Int?
    var height: Int?
    /// Samples measured (repetitions × images).
    var samples: Int
    /// Of them, answers that paid a model load, as the server said.
    var coldAnswers: Int
    /// Mean image bytes sent per request.
    var meanBytesSent: Double
    /// The paper's columns, ms.
    var columns: BenchColumns
    /// `--resize client` only: the client's downscale (decode + re-encode), ms; part of `rescale`.
    var clientResize: LatencySummary?
    var resources: CellResources
    /// `daemon-cold-start` only: the fresh daemons' own start-up figure from `/v1/status`, ms.
    var daemonStartup: LatencySummary?
    /// The precision the model ran at, as the server said.
    var precision: String?
    /// Anything the reader should know about how this cell was measured.
    var notes: [String]

    enum CodingKeys: String, CodingKey {
        case model, group, mode, resize, width, height, samples, columns, resources, precision, notes
        case coldAnswers = "cold_answers"
        case meanBytesSent = "mean_bytes_sent"
        case daemonStartup = "daemon_startup_ms"
        case clientResize = "client_resize_ms"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(group, forKey: .group)
        try c.encode(mode, forKey: .mode)
        try c.encode(resize, forKey: .resize)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(samples, forKey: .samples)
        try c.encode(coldAnswers, forKey: .coldAnswers)
        try c.encode(meanBytesSent, forKey: .meanBytesSent)
        try c.encode(columns, forKey: .columns)
        try c.encode(clientResize, forKey: .clientResize)
        try c.encode(resources, forKey: .resources)
        try c.encode(daemonStartup, forKey: .daemonStartup)
        try c.encode(precision, forKey: .precision)
        try c.encode(notes, forKey: .notes)
    }
}
