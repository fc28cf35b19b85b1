/// The paper's rule for downscaling on the client, `T_d(x1, x2) + T_n(x2) <= T_n(x1)`, with this host's
/// figures for one model and image group: downscaling `x1` to `x2` before sending pays off when the
/// downscale `T_d` plus sending the small image costs less than sending the original.
///
/// Measured from the warm cells (the local socket) and the cloud cells (the link to the remote) with
/// `--resize client` and `--resize server`. Two verdicts: the paper's
/// (transfer only, as on a phone's network) and end to end (everything the caller waits, since here
/// the server still decodes whatever it gets). `breakEvenMBps` is the link speed below which the
/// paper's rule holds for these image sizes: `(bytes(x1) - bytes(x2)) / T_d`.
struct ResizeRule: Codable, Sendable, Equatable {
    /// The cells' mode: `warm` (the local socket) or `cloud` (the link to the remote).
    var mode: String = BenchMode.warm.rawValue
    var model: String
    var group: String
    var width: Int?
    var height: Int?
    /// Mean bytes of the original and of the client-downscaled image.
    var bytesOriginal: Double
    var bytesDownscaled: Double
    /// `T_d(x1, x2)`: the client's decode (DCT-scaled) + re-encode, ms.
    var downscaleMs: Double
    /// `T_n(x1)` and `T_n(x2)`: transfer over the socket, ms.
    var transferOriginalMs: Double
    var transferDownscaledMs: Double
    /// The server's decode + preprocess of each, ms.
    var serverRescaleOriginalMs: Double
    var serverRescaleDownscaledMs: Double
    /// What the caller waited, ms.
    var totalServerResizeMs: Double
    var totalClientResizeMs: Double
    /// `T_d + T_n(x2) <= T_n(x1)` on this socket.
    var paperRuleHolds: Bool
    /// Client-side resize gave the lower end-to-end time.
    var endToEndPaysOff: Bool
    /// Below this link speed (MB/s) the paper's rule holds; nil when the downscale saves no bytes.
    var breakEvenMBps: Double?

    enum CodingKeys: String, CodingKey {
        case mode, model, group, width, height
        case bytesOriginal = "bytes_original"
        case bytesDownscaled = "bytes_downscaled"
        case downscaleMs = "downscale_ms"
        case transferOriginalMs = "transfer_original_ms"
        case transferDownscaledMs = "transfer_downscaled_ms"
        case serverRescaleOriginalMs = "server_rescale_original_ms"
        case serverRescaleDownscaledMs = "server_rescale_downscaled_ms"
        case totalServerResizeMs = "total_server_resize_ms"
        case totalClientResizeMs = "total_client_resize_ms"
        case paperRuleHolds = "paper_rule_holds"
        case endToEndPaysOff = "end_to_end_pays_off"
        case breakEvenMBps = "break_even_mb_per_s"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(model, forKey: .model)
        try c.encode(group, forKey: .group)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(bytesOriginal, forKey: .bytesOriginal)
        try c.encode(bytesDownscaled, forKey: .bytesDownscaled)
        try c.encode(downscaleMs, forKey: .downscaleMs)
        try c.encode(transferOriginalMs, forKey: .transferOriginalMs)
        try c.encode(transferDownscaledMs, forKey: .transferDownscaledMs)
        try c.encode(serverRescaleOriginalMs, forKey: .serverRescaleOriginalMs)
        try c.encode(serverRescaleDownscaledMs, forKey: .serverRescaleDownscaledMs)
        try c.encode(totalServerResizeMs, forKey: .totalServerResizeMs)
        try c.encode(totalClientResizeMs, forKey: .totalClientResizeMs)
        try c.encode(paperRuleHolds, forKey: .paperRuleHolds)
        try c.encode(endToEndPaysOff, forKey: .endToEndPaysOff)
        try c.encode(breakEvenMBps, forKey: .breakEvenMBps)
    }

    /// One rule per (model, group) that has both a client- and a server-resize cell in `mode`
    /// (warm by default: the rule is about steady-state costs; cloud for the link to a remote).
    static func evaluate(_ cells: [BenchCell], mode: BenchMode = .warm) -> [ResizeRule] {
        let candidates = cells.filter { $0.mode == mode }
        var rules: [ResizeRule] = []
        for server in candidates where server.resize == ResizeMode.server.rawValue {
            guard let client = candidates.first(where: {
                $0.resize == ResizeMode.client.rawValue && $0.model == server.model && $0.group == server.group
            }) else { continue }
            let downscale = client.clientResize?.mean ?? 0
            let saved = server.meanBytesSent - client.meanBytesSent
            rules.append(ResizeRule(
                mode: mode.rawValue, model: server.model, group: server.group, width: server.width, height: server.height,
                bytesOriginal: server.meanBytesSent, bytesDownscaled: client.meanBytesSent, downscaleMs: downscale,
                transferOriginalMs: server.columns.upload.mean, transferDownscaledMs: client.columns.upload.mean,
                serverRescaleOriginalMs: server.columns.rescale.mean,
                serverRescaleDownscaledMs: max(0, client.columns.rescale.mean - downscale),
                totalServerResizeMs: server.columns.total.mean, totalClientResizeMs: client.columns.total.mean,
                paperRuleHolds: downscale + client.columns.upload.mean <= server.columns.upload.mean,
                endToEndPaysOff: client.columns.total.mean <= server.columns.total.mean,
                breakEvenMBps: saved > 0 && downscale > 0 ? saved / downscale / 1000 : nil))
        }
        return rules
    }

    /// One sentence per model and mode: from which image size on downscaling first pays off.
    static func verdicts(_ rules: [ResizeRule]) -> [String] {
        var lines: [String] = []
        var seen: [[String]] = []
        for rule in rules where !seen.contains([rule.mode, rule.model]) { seen.append([rule.mode, rule.model]) }
        for key in seen {
            let (mode, model) = (key[0], key[1])
            let mine = rules.filter { $0.mode == mode && $0.model == model }
                .sorted { ($0.width ?? 0) * ($0.height ?? 0) < ($1.width ?? 0) * ($1.height ?? 0) }
            let paysOff = mine.filter(\.endToEndPaysOff)
            let speeds = mine.compactMap(\.breakEvenMBps)
            let path = mode == BenchMode.cloud.rawValue ? "the link to the remote" : "this host's socket"
            let link = speeds.isEmpty ? "" : String(format: "; the paper's rule holds below %.1f–%.1f MB/s (break-even link speed for these sizes)",
                                                    speeds.min()!, speeds.max()!)
            if let first = paysOff.first {
                lines.append("\(model) (\(mode)): downscaling on the client first pays off end to end at \(first.group) over \(path)\(link)")
            } else {
                lines.append("\(model) (\(mode)): downscaling on the client never pays off end to end over \(path) (the transfer it saves is smaller than the downscale)\(link)")
            }
        }
        return lines
    }
}
