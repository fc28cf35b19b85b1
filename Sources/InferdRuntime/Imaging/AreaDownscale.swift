import CPNGRows

extension PixelBuffer {
    /// This image area-averaged down (each output pixel the mean of the source pixels it covers) so
    /// that it fits in `maxWidth` x `maxHeight`, keeping its aspect ratio; `self` when it already fits.
    public func downscaled(toFit maxWidth: Int, _ maxHeight: Int) -> PixelBuffer {
        guard width > maxWidth || height > maxHeight else { return self }
        let factor = min(Double(maxWidth) / Double(width), Double(maxHeight) / Double(height))
        let outWidth = min(width, max(1, Int((Double(width) * factor).rounded()))), outHeight = min(height, max(1, Int((Double(height) * factor).rounded())))
        let result = PixelBuffer(width: outWidth, height: outHeight)
        let status = inferd_rgb_area_downscale(bytes.assumingMemoryBound(to: UInt8.self), UInt32(width), UInt32(height),
                                               result.bytes.assumingMemoryBound(to: UInt8.self), UInt32(outWidth), UInt32(outHeight))
        precondition(status == 0, "area downscale of \(width)x\(height) to \(outWidth)x\(outHeight) failed (out of memory)")
        return result
    }
}
