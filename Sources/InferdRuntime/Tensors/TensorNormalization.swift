import Core
import Foundation

/// How 0…255 pixel values become the floats of an `FP32` input: `(value - mean[c]) / scale[c]` per
/// channel `c` (in R, G, B order), the same convention as a bundle manifest's `normalize`.
///
/// `UINT8` inputs ignore it: their pixels are sent as they are.
public struct TensorNormalization: Sendable, Equatable, Codable {
    /// Per-channel offset, in 0…255 units.
    public var mean: [Float]
    /// Per-channel divisor, in 0…255 units.
    public var scale: [Float]

    /// - Precondition: three positive scales and three means.
    public init(mean: [Float], scale: [Float]) {
        precondition(mean.count == 3 && scale.count == 3 && scale.allSatisfy { $0 > 0 }, "normalisation needs 3 means and 3 positive scales")
        self.mean = mean
        self.scale = scale
    }

    /// 0…255 to 0…1: the default when nothing says otherwise.
    public static let unitRange = TensorNormalization(mean: [0, 0, 0], scale: [255, 255, 255])
    /// ImageNet's mean and standard deviation (0.485, 0.456, 0.406 / 0.229, 0.224, 0.225) on 0…1 values.
    public static let imageNet = TensorNormalization(mean: [123.675, 116.28, 103.53], scale: [58.395, 57.12, 57.375])
    /// The pixel values as floats, unchanged (0…255).
    public static let identity = TensorNormalization(mean: [0, 0, 0], scale: [1, 1, 1])

    /// A bundle manifest's normalisation (same convention).
    public init(_ manifest: ModelManifest.Normalize) {
        self.init(mean: manifest.mean, scale: manifest.scale)
    }

    /// The normalisation a metadata `normalize` parameter (or an `--input-normalize` setting) says:
    /// `unit` (0…1), `imagenet`, `none` (0…255 as floats), or explicit per-channel figures
    /// `MEAN/SCALE` in 0…255 units, each one number or three comma-separated (`127.5/127.5`:
    /// -1…1; `123.675,116.28,103.53/58.395,57.12,57.375`: ImageNet); nil for anything else.
    public init?(named name: String) {
        switch name.lowercased() {
        case "unit", "0-1", "0..1": self = .unitRange
        case "imagenet": self = .imageNet
        case "none", "identity", "0-255": self = .identity
        default:
            let halves = name.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2 else { return nil }
            func channels(_ text: Substring) -> [Float]? {
                let values = text.split(separator: ",").map { Float($0.filter { !$0.isWhitespace }) }
                guard values.allSatisfy({ $0 != nil && $0!.isFinite }) else { return nil }
                let numbers = values.compactMap { $0 }
                switch numbers.count {
                case 1: return Array(repeating: numbers[0], count: 3)
                case 3: return numbers
                default: return nil
                }
            }
            guard let mean = channels(halves[0]), let scale = channels(halves[1]), scale.allSatisfy({ $0 > 0 }) else { return nil }
            self.init(mean: mean, scale: scale)
        }
    }

    /// The accepted spellings, for messages.
    public static let spellings = "unit, imagenet, none, or MEAN/SCALE (one number or three, in 0…255 units, e.g. 127.5/127.5)"

    /// Short words for messages: the name when it is a named one, else the figures.
    public var summary: String {
        switch self {
        case .unitRange: "unit (0…1)"
        case .imageNet: "imagenet"
        case .identity: "none (0…255)"
        default: "mean \(mean.map { String(format: "%g", $0) }.joined(separator: ",")) / scale \(scale.map { String(format: "%g", $0) }.joined(separator: ","))"
        }
    }
}
