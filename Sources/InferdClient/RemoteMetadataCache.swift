import InferdWire
import Synchronization

/// The Open Inference model metadata of one remote, per model, kept only while it can be trusted: a
/// remote can be redeployed under the same name with a different input (FP32 NCHW today, UINT8 NHWC
/// tomorrow), and a client that kept the first description for life would send the old tensor forever.
///
/// An entry is used for ``maxAge`` seconds, then fetched again before the next request; the caller
/// drops it (``invalidate(_:)``) when an exchange failed in a way that could mean a changed model or a
/// restarted server. ``store(_:for:now:)`` says when fresh metadata differs from what was known, so the
/// change can be logged. Pure bookkeeping: the time is passed in, the fetching is the caller's.
public final class RemoteMetadataCache: Sendable {
    /// How long an entry is trusted, seconds, by default.
    public static let defaultMaxAge = 30.0

    /// How long an entry is trusted, seconds; 0 fetches before every request.
    public let maxAge: Double

    private struct Entry {
        var metadata: OpenInference.ModelMetadata
        var fetchedAt: Double
        /// False after ``invalidate(_:)``: refetched before use, but still compared against.
        var valid: Bool
    }
    private let entries = Mutex<[String: Entry]>([:])

    public init(maxAge: Double = RemoteMetadataCache.defaultMaxAge) {
        self.maxAge = max(0, maxAge)
    }

    /// The metadata of `model` when it is known, valid and younger than ``maxAge`` at `now`.
    public func fresh(_ model: String, now: Double) -> OpenInference.ModelMetadata? {
        entries.withLock { entries in
            guard let entry = entries[model], entry.valid, now - entry.fetchedAt < maxAge else { return nil }
            return entry.metadata
        }
    }

    /// Records `metadata` fetched for `model` at `now`; returns the change when it differs from what
    /// was known before (nil the first time, and when it is the same).
    @discardableResult
    public func store(_ metadata: OpenInference.ModelMetadata, for model: String, now: Double) -> RemoteMetadataChange? {
        entries.withLock { entries in
            let before = entries[model]?.metadata
            entries[model] = Entry(metadata: metadata, fetchedAt: now, valid: true)
            guard let before, Self.comparable(before) != Self.comparable(metadata) else { return nil }
            return RemoteMetadataChange(model: model, before: before, after: metadata)
        }
    }

    /// `metadata` without what changes on its own (inferd's `state` parameter: warm, cold, …).
    static func comparable(_ metadata: OpenInference.ModelMetadata) -> OpenInference.ModelMetadata {
        var copy = metadata
        copy.parameters?["state"] = nil
        return copy
    }

    /// Makes `model`'s metadata be fetched again before its next use (it is kept to compare with).
    public func invalidate(_ model: String) {
        entries.withLock { $0[model]?.valid = false }
    }

    /// Makes every model's metadata be fetched again (the remote went away: it may come back redeployed).
    public func invalidateAll() {
        entries.withLock { entries in
            for key in entries.keys { entries[key]?.valid = false }
        }
    }
}

/// A remote model's metadata changed between two fetches: it was redeployed.
public struct RemoteMetadataChange: Sendable, Equatable, CustomStringConvertible {
    public var model: String
    public var before: OpenInference.ModelMetadata
    public var after: OpenInference.ModelMetadata

    /// True when the first input (what the client builds) changed, not only versions or parameters.
    public var inputChanged: Bool { before.inputs.first != after.inputs.first }

    /// `efficientnet-lite0: input "input" FP32 [1,3,224,224] → "input" UINT8 [1,224,224,3]`, or what
    /// else changed.
    public var description: String {
        func tensors(_ list: [TensorDescription]) -> String {
            list.isEmpty ? "none" : list.map { "\"\($0.name)\" \($0.datatype) [\($0.shape.map(String.init).joined(separator: ","))]" }
                .joined(separator: ", ")
        }
        var changes: [String] = []
        if before.inputs != after.inputs { changes.append("inputs \(tensors(before.inputs)) → \(tensors(after.inputs))") }
        if before.outputs != after.outputs { changes.append("outputs \(tensors(before.outputs)) → \(tensors(after.outputs))") }
        if before.versions != after.versions {
            changes.append("versions \(before.versions?.joined(separator: ",") ?? "none") → \(after.versions?.joined(separator: ",") ?? "none")")
        }
        if before.platform != after.platform { changes.append("platform \(before.platform ?? "none") → \(after.platform ?? "none")") }
        if RemoteMetadataCache.comparable(before).parameters != RemoteMetadataCache.comparable(after).parameters {
            changes.append("parameters changed")
        }
        return "\(model): " + (changes.isEmpty ? "metadata changed" : changes.joined(separator: "; "))
    }
}
