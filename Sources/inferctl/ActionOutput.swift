import Foundation
import InferdClient

/// Prints the answer to an operator action (load, unload, pin, unpin, keep-alive, trim).
enum ActionOutput {
    /// With `--json`, the daemon's answer as sent; otherwise one line saying what happened, then the
    /// model's state when the answer carries it, or the answer's fields.
    static func show(_ result: ActionResult, done: String, output: OutputOptions) {
        if output.json {
            output.printRawJSON(result.body)
            return
        }
        let took = " (\(HumanFormat.milliseconds(result.timings.endToEnd)) ms)"
        guard let model = result.model else {
            print(done + took)
            for line in fields(of: result.body) { print("  " + line) }
            return
        }
        var parts = [model.state.rawValue]
        if let priorityClass = model.priorityClass { parts.append(priorityClass.rawValue) }
        if model.pinned, model.priorityClass != .pinned { parts.append("pinned") }
        parts.append((model.bytesEstimated ? "~" : "") + HumanFormat.bytes(model.bytes))
        if let lastLoad = model.lastLoadMilliseconds { parts.append("last load \(HumanFormat.milliseconds(lastLoad)) ms") }
        if let expiresAt = model.expiresAt { parts.append("unloads \(HumanFormat.until(expiresAt))") }
        print(done + took)
        print("  \(model.name): " + parts.joined(separator: ", "))
        if let failure = model.failure { print("  failure: \(failure)") }
    }

    /// `key: value` lines for the top-level fields of a JSON object (nothing for other bodies).
    static func fields(of body: [UInt8]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        return object.keys.sorted().map { key in "\(key): \(describe(object[key]!))" }
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let array as [Any]: return array.isEmpty ? "none" : array.map(describe).joined(separator: ", ")
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\($0): \(describe(object[$0]!))" }.joined(separator: ", ") + "}"
        default: return "\(value)"
        }
    }
}
