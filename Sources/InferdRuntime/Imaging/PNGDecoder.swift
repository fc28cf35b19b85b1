import CPNG

/// Decodes PNG with libpng's simplified API: 8- or 16-bit, grey, palette and alpha all become 8-bit
/// RGB (alpha is composited onto white, 16-bit is reduced to 8-bit sRGB).
public enum PNGDecoder {
    /// Decodes `data` to RGB. PNG has no cheap downscale, so ``DecodeOptions/minimumSize`` is not used.
    ///
    /// - Throws: ``ImageError``: `.empty` for zero bytes, `.corrupt` with libpng's message for bad or truncated data, `.tooLarge`
    ///   when the header declares more than ``DecodeOptions/maxPixels`` (checked before allocating).
    public static func decode(_ data: UnsafeRawBufferPointer, options: DecodeOptions) throws(ImageError) -> PixelBuffer {
        guard !data.isEmpty else { throw ImageError(.empty, "the image is empty (0 bytes)") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, data.baseAddress, data.count) != 0 else {
            let message = messageText(&image)
            png_image_free(&image)
            throw ImageError(.corrupt, "corrupt PNG: \(message)")
        }
        do {
            try options.checkDimensions(width: Int(image.width), height: Int(image.height), format: "PNG")
        } catch {
            png_image_free(&image)
            throw error
        }
        // libpng's simplified API takes 16-bit samples without a gAMA or sRGB chunk to be linear light
        // and "converts" them to sRGB, brightening ordinary 16-bit photos (mid-grey 104 came out 161).
        // The PNG spec gives such files the display's (sRGB) encoding; files with gAMA/sRGB still win.
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        image.format = UInt32(PNG_FORMAT_RGB)
        let result = PixelBuffer(width: Int(image.width), height: Int(image.height))
        var white = png_color(red: 255, green: 255, blue: 255)
        guard png_image_finish_read(&image, &white, result.bytes, 0, nil) != 0 else {
            let message = messageText(&image)
            png_image_free(&image)
            throw ImageError(.corrupt, "corrupt PNG data: \(message)")
        }
        png_image_free(&image)
        return result
    }

    private static func messageText(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            return text.isEmpty ? "unknown error" : text
        }
    }
}
