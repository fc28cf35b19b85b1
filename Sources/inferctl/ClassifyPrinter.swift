import Foundation
import InferdWire

/// Prints `inferctl classify` results as text: per image its labels and a row per request, then a
/// summary with cold and warm figures side by side.
struct ClassifyPrinter {
    let mode: ClassifyRecord.Mode
    let resize: ResizeMode
    /// False with `--json`: nothing is printed.
    let showText: Bool

    /// One step of the breakdown: its column header, its summary name, and how to read it from a record.
    private struct Step {
        var header: String
        var name: String
        var value: (ClassifyRecord) -> Double?
    }

    /// The steps of a daemon or in-process run. A request the daemon offloaded over OIP has no server
    /// steps of its own here (queue, load, compute, postprocess ran nowhere it could see): they show
    /// as `-`, with the remote's time and the network's instead, so an offloaded row never reads like
    /// a local run.
    private func localSteps(for records: [ClassifyRecord]) -> [Step] {
        /// `value`, unless `record` ran remotely where these steps are not known.
        func here(_ value: @escaping (ClassifyRecord) -> Double) -> (ClassifyRecord) -> Double? {
            { record in record.ranRemotelyOverOIP ? nil : value(record) }
        }
        var steps: [Step] = []
        if resize == .client { steps.append(Step(header: "resize", name: "client_resize") { $0.timings.clientResize }) }
        steps.append(Step(header: "queue", name: "queue", value: here { $0.timings.queue }))
        steps.append(Step(header: "load", name: "load", value: here { $0.timings.load }))
        if mode == .inProcess {
            steps.append(Step(header: "runtime", name: "runtime_init") { $0.timings.runtimeInit })
            steps.append(Step(header: "read", name: "read") { $0.timings.read })
            steps.append(Step(header: "compile", name: "compile") { $0.timings.compile })
        }
        steps.append(Step(header: "decode", name: "decode") { $0.timings.decode })
        steps.append(Step(header: "preproc", name: "preprocess") { $0.timings.preprocess })
        steps.append(Step(header: "compute", name: "compute", value: here { $0.timings.compute }))
        steps.append(Step(header: "post", name: "postprocess", value: here { $0.timings.postprocess }))
        steps.append(Step(header: mode == .daemon ? "server" : "total", name: mode == .daemon ? "server total" : "total") { $0.timings.total })
        if records.contains(where: { $0.placement?.side == .remote }) {
            steps.append(Step(header: "offload", name: "offload exchange") { $0.placement?.side == .remote ? $0.placement?.network?.total : nil })
            steps.append(Step(header: "remote", name: "  remote's own") { $0.placement?.side == .remote ? $0.placement?.network?.remoteTime?.milliseconds : nil })
        }
        if mode == .daemon { steps.append(Step(header: "transfer", name: "transfer") { $0.timings.transfer }) }
        steps.append(Step(header: "e2e", name: "end-to-end") { $0.timings.endToEnd })
        return steps
    }

    /// A remote call: work done here, then the exchange's phases, the server's part split into what it
    /// reported and the rest (network latency and queueing).
    /// Steps that are empty in every one of `records` (the local decode of an inferd-protocol call,
    /// the remote's own figure when it reports none) are left out; with no records, all are kept.
    private func remoteSteps(for records: [ClassifyRecord]) -> [Step] {
        var steps: [Step] = []
        if resize == .client { steps.append(Step(header: "resize", name: "client_resize") { $0.timings.clientResize }) }
        steps.append(Step(header: "decode", name: "client_decode") { $0.timings.clientDecode })
        steps.append(Step(header: "preproc", name: "client_preprocess") { $0.timings.clientPreprocess })
        steps.append(Step(header: "connect", name: "connect") { $0.remote?.timings.connect })
        steps.append(Step(header: "upload", name: "upload") { $0.remote?.timings.upload })
        steps.append(Step(header: "server", name: "server") { $0.remote?.timings.server })
        steps.append(Step(header: "remote", name: "  remote's own") { $0.remote?.timings.remoteTime?.milliseconds })
        steps.append(Step(header: "network", name: "  network") { $0.remote?.network })
        steps.append(Step(header: "download", name: "download") { $0.remote?.timings.download })
        steps.append(Step(header: "e2e", name: "end-to-end") { $0.timings.endToEnd })
        guard !records.isEmpty else { return steps }
        return steps.filter { step in records.contains { step.value($0) != nil } }
    }

    /// The steps to show for `records`.
    private func steps(for records: [ClassifyRecord]) -> [Step] {
        mode == .remote ? remoteSteps(for: records) : localSteps(for: records)
    }

    /// Where the figures in the `remote` column came from, when any row has one: the remote's own
    /// report, its `Server-Timing` header, or an estimate.
    static func remoteTimeNote(_ records: [ClassifyRecord]) -> String? {
        let sources = Set(records.compactMap { $0.remote?.timings.remoteTime?.source ?? $0.placement?.network?.remoteTime?.source })
        guard !sources.isEmpty else { return nil }
        let words = sources.sorted { $0.rawValue < $1.rawValue }.map { source in
            switch source {
            case .reported: "as the server reported it"
            case .serverTiming: "from the server's Server-Timing header"
            case .connectEstimate: "estimated: the wait minus one round trip (the TCP connect), as the server reports no time"
            }
        }
        return "remote: the server's own time, " + words.joined(separator: "; ")
    }

    /// Prints one image: what it is, its labels (from `labelsFrom`) and one row per request.
    func printImage(path: String, records: [ClassifyRecord], labelsFrom first: ClassifyRecord?) {
        guard showText, let first else { return }
        var header = "\(path)  \(first.width)x\(first.height), \(HumanFormat.bytes(first.bytes))"
        if resize == .client {
            header += first.bytesSent < first.bytes ? ", sent \(HumanFormat.bytes(first.bytesSent)) resized on the client"
                                                    : ", sent as is (resizing would not make it smaller)"
        }
        if let width = first.decodedWidth, let height = first.decodedHeight {
            header += ", decoded at \(width)x\(height)"
        }
        header += "  →  \(first.model)" + (first.precision.map { " (\($0))" } ?? "")
        if mode == .inProcess { header += ", in process" }
        if let remote = first.remote {
            header += " on \(remote.endpoint) (\(remote.protocol.rawValue)"
            if let shape = remote.tensorShape { header += ", tensor [\(shape.map(String.init).joined(separator: ","))]" }
            header += ")"
        }
        print(header)
        if let preprocessing = first.remote?.preprocessing { print("  tensor prepared here: \(preprocessing)") }
        if let placement = first.placement { print("  " + Self.describe(placement)) }
        let nameWidth = first.labels.map(\.label.count).max() ?? 0
        for (rank, label) in first.labels.enumerated() {
            let padding = String(repeating: " ", count: nameWidth - label.label.count)
            print("  \(rank + 1). \(label.label)\(padding)  \(String(format: "%6.2f%%", Double(label.probability) * 100))")
        }
        let placed = records.contains { $0.placement != nil }
        var table = TextTable(headers: ["run", "state"] + (placed ? ["ran"] : []) + (resize == .client ? ["sent"] : [])
                                  + steps(for: records).map(\.header) + ["(ms)"],
                              alignments: [.right, .left] + (placed ? [.left] : []) + (resize == .client ? [.right] : [])
                                  + steps(for: records).map { _ in .right } + [.left],
                              indent: 2)
        for record in records {
            table.append(["\(record.run)", record.cold ? "cold" : "warm"]
                         + (placed ? [record.placement.map { $0.side == .remote ? "remote" : $0.fallback ? "here*" : "here" } ?? "here"] : [])
                         + (resize == .client ? [HumanFormat.bytes(record.bytesSent)] : [])
                         + steps(for: records).map { HumanFormat.milliseconds($0.value(record)) })
        }
        print(table.render())
        if let note = Self.remoteTimeNote(records) { print("  " + note) }
        print("")
    }

    /// "ran remote on http://… (auto): reason", with the fallback when there was one.
    static func describe(_ placement: Placement) -> String {
        var text = "ran \(placement.side.rawValue)"
        if placement.side == .remote, let remote = placement.remote { text += " on \(remote)" }
        text += " (\(placement.mode)): \(placement.reason)"
        if placement.fallback {
            text += " — fell back from \(placement.remote ?? "the remote")" + (placement.remoteError.map { ": \($0)" } ?? "")
        }
        return text
    }

    /// Prints cold and warm means side by side, when there is more than one request.
    func printSummary(_ records: [ClassifyRecord]) {
        guard showText, records.count > 1 else { return }
        let cold = records.filter(\.cold)
        let warm = records.filter { !$0.cold }
        var table = TextTable(headers: ["summary (ms)", cold.count > 1 ? "cold (mean of \(cold.count))" : "cold",
                                        warm.count > 1 ? "warm (mean of \(warm.count))" : "warm"],
                              alignments: [.left, .right, .right])
        for step in steps(for: records) {
            table.append([step.name, HumanFormat.milliseconds(mean(cold, step.value)), HumanFormat.milliseconds(mean(warm, step.value))])
        }
        if resize == .client {
            table.append(["bytes sent", cold.isEmpty ? "-" : HumanFormat.bytes(cold.map(\.bytesSent).reduce(0, +) / cold.count),
                          warm.isEmpty ? "-" : HumanFormat.bytes(warm.map(\.bytesSent).reduce(0, +) / warm.count)])
        }
        print(table.render())
    }

    private func mean(_ records: [ClassifyRecord], _ value: (ClassifyRecord) -> Double?) -> Double? {
        let values = records.compactMap(value)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
