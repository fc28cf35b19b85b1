/// The ImageNet habit of cutting an image for a classifier: scale the short side to ``shortSide``, then
/// take the centre ``width`` x ``height``. Expressed on the decoded pixels, without scaling: the region
/// that becomes the input once scaled.
public struct CenterCrop: Sendable, Equatable {
    /// The short side before the crop (256 for a 224 input).
    public var shortSide: Int
    /// The model's input size.
    public var width: Int
    public var height: Int

    /// - Precondition: all positive.
    public init(shortSide: Int, width: Int, height: Int) {
        precondition(shortSide > 0 && width > 0 && height > 0, "a centre crop needs positive sizes")
        self.shortSide = shortSide
        self.width = width
        self.height = height
    }

    /// The centre region of a `width` x `height` image that, after scaling its short side to
    /// ``shortSide``, is the input size (clamped to the image).
    public func region(width imageWidth: Int, height imageHeight: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let factor = Double(min(imageWidth, imageHeight)) / Double(shortSide)
        let cropWidth = max(1, min(imageWidth, Int((Double(width) * factor).rounded())))
        let cropHeight = max(1, min(imageHeight, Int((Double(height) * factor).rounded())))
        return ((imageWidth - cropWidth) / 2, (imageHeight - cropHeight) / 2, cropWidth, cropHeight)
    }

    /// `pixels` cut to ``region(width:height:)``.
    public func apply(to pixels: PixelBuffer) -> PixelBuffer {
        let r = region(width: pixels.width, height: pixels.height)
        return pixels.cropped(x: r.x, y: r.y, width: r.width, height: r.height)
    }
}
