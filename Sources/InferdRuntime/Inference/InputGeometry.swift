import Core

/// How an image of a given size is cut and scaled for a model: the smallest size worth decoding, and
/// the centre crop taken from the decoded pixels (resize itself runs inside the compiled model).
public struct InputGeometry: Sendable, Equatable {
    /// The manifest's input and resize rules.
    public let manifest: ModelManifest

    public init(manifest: ModelManifest) { self.manifest = manifest }

    /// The smallest decoded size that loses nothing: in crop mode the short side must reach
    /// `short_side`; in squash mode both sides must reach the input size.
    public var minimumDecodeSize: (width: Int, height: Int) {
        let input = manifest.input
        switch manifest.resize.mode {
        case .squash:
            return (input.width, input.height)
        case .crop:
            let shortSide = manifest.resize.shortSide ?? min(input.width, input.height)
            return (shortSide, shortSide)
        }
    }

    /// How many times the network's input size an image may be, per side, when it reaches the
    /// compiled model: 2. The model's own resize takes any size, but OpenVINO grows (and keeps) its
    /// buffers for the largest input it has seen, so one 100-megapixel tensor would leave a warm model
    /// holding a gigabyte. Larger images are area-averaged down first (also better than the model's
    /// bilinear resize, which aliases when it shrinks by more than 2).
    public static let maxInputFactor = 2

    /// The largest image handed to the compiled model: ``maxInputFactor`` times the input, per side.
    public var maxModelInput: (width: Int, height: Int) {
        (manifest.input.width * Self.maxInputFactor, manifest.input.height * Self.maxInputFactor)
    }

    /// The region of a `width` x `height` decoded image that the model sees. In crop mode: the centre
    /// region that, after scaling the short side to `short_side`, is the input size. In squash mode: all.
    public func cropRegion(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        guard let crop = centerCrop else { return (0, 0, width, height) }
        return crop.region(width: width, height: height)
    }

    /// The manifest's centre crop; nil in squash mode.
    public var centerCrop: CenterCrop? {
        guard manifest.resize.mode == .crop else { return nil }
        let input = manifest.input
        return CenterCrop(shortSide: manifest.resize.shortSide ?? min(input.width, input.height), width: input.width, height: input.height)
    }
}
