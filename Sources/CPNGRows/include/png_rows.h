#ifndef INFERD_PNG_ROWS_H
#define INFERD_PNG_ROWS_H

#include <stddef.h>
#include <stdint.h>

/// Called once the header is read. Sets the output size (at most the image's) and the RGB buffer to
/// fill (out_width * out_height * 3 bytes, owned by the caller). Returns 0 to go on, non-zero to stop
/// (the value is returned by inferd_png_decode_scaled).
typedef int (*inferd_png_header_fn)(void *context, uint32_t width, uint32_t height, int interlaced,
                                    uint32_t *out_width, uint32_t *out_height, unsigned char **out_pixels);

/// Called every few source rows; non-zero stops decoding (a deadline passed) and is returned.
typedef int (*inferd_png_progress_fn)(void *context, uint32_t rows_done);

/// Decodes a PNG in memory row by row (8-bit RGB, alpha composited onto white, 16-bit scaled to 8)
/// and area-averages it down to the size the header callback chose while reading, so the full-size
/// image is never held (an interlaced image is, as its passes need it: the callback decides whether
/// to allow that). Requires the IEND chunk: a truncated file is an error.
///
/// Returns 0 on success, -1 with a message when libpng reports an error, else the callback's value.
int inferd_png_decode_scaled(const unsigned char *data, size_t size, void *context,
                             inferd_png_header_fn on_header, inferd_png_progress_fn on_progress,
                             char *message, size_t message_size);

/// Area-averages packed 8-bit RGB `width` x `height` down to `out_width` x `out_height` (not larger
/// than the source) into `out`. Returns 0, or -1 for a bad size or no memory.
int inferd_rgb_area_downscale(const unsigned char *pixels, uint32_t width, uint32_t height,
                              unsigned char *out, uint32_t out_width, uint32_t out_height);

#endif
