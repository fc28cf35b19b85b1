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
