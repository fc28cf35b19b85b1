import Core
import Synchronization

/// `precision auto`'s decisions this process has made, keyed like the compiled-model cache (model
/// file identity, manifest, engine options, OpenVINO version). Measuring compiles the model once per
/// precision and runs the calibration photos (seconds for AlexNet); without a cache directory nothing
/// else remembers the answer, and every cold start of the model would measure again.
final class PrecisionDecisions: Sendable {
    private let decisions = Mutex<[String: PrecisionChoice]>([:])

    /// The decision for `key`, if one was made.
    func choice(for key: String) -> PrecisionChoice? { decisions.withLock { $0[key] } }

    /// Remembers `choice` for `key` for the life of the process.
    func remember(_ choice: PrecisionChoice, for key: String) { decisions.withLock { $0[key] = choice } }
}
