#include "png_rows.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
    jmp_buf jump;
};

static void on_error(png_structp png, png_const_charp text) {
    struct reader *reader = png_get_error_ptr(png);
    snprintf(reader->message, reader->message_size, "%s", text);
    longjmp(reader->jump, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_data(png_structp png, png_bytep out, size_t length) {
    struct reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->offset) {
        png_error(png, "unexpected end of data (truncated PNG)");
    }
    memcpy(out, reader->data + reader->offset, length);
    reader->offset += length;
}

/// Area averaging, one source row at a time: sums per output pixel, emitted when the output row ends.
struct scaler {
    uint32_t width, height, out_width, out_height;
    uint32_t *column_of;     /* source x -> output x */
    uint32_t *column_count;  /* source pixels per output x */
    uint64_t *sums;          /* out_width * 3 */
    uint32_t current_row;    /* output row being summed */
    uint32_t rows_in_group;
    unsigned char *out;
};

static void emit(struct scaler *s) {
    if (s->rows_in_group == 0) return;
    unsigned char *row = s->out + (size_t)s->current_row * s->out_width * 3;
    for (uint32_t x = 0; x < s->out_width; x++) {
        uint64_t count = (uint64_t)s->column_count[x] * s->rows_in_group;
        for (int c = 0; c < 3; c++) {
            uint64_t sum = s->sums[(size_t)x * 3 + c];
            row[(size_t)x * 3 + c] = (unsigned char)(count ? (sum + count / 2) / count : 0);
        }
    }
    memset(s->sums, 0, sizeof(uint64_t) * s->out_width * 3);
    s->rows_in_group = 0;
}

/* channels: 4 (RGBA, composited onto white) or 3 (RGB) */
static void add_row(struct scaler *s, uint32_t y, const unsigned char *pixels, int channels) {
    uint32_t out_y = (uint32_t)((uint64_t)y * s->out_height / s->height);
    if (out_y != s->current_row) {
        emit(s);
        s->current_row = out_y;
    }
    for (uint32_t x = 0; x < s->width; x++) {
        const unsigned char *p = pixels + (size_t)x * channels;
        uint64_t *sum = s->sums + (size_t)s->column_of[x] * 3;
        if (channels == 4) {
            uint32_t alpha = p[3];
            for (int c = 0; c < 3; c++) sum[c] += (p[c] * alpha + 255u * (255u - alpha) + 127u) / 255u;
        } else {
            for (int c = 0; c < 3; c++) sum[c] += p[c];
        }
    }
    s->rows_in_group++;
}

/* Sets up the column tables; 0 on success. */
static int scaler_start(struct scaler *s, uint32_t width, uint32_t height, uint32_t out_width, uint32_t out_height,
                        unsigned char *out) {
    s->width = width;
    s->height = height;
    s->out_width = out_width;
    s->out_height = out_height;
    s->out = out;
    s->current_row = 0;
    s->rows_in_group = 0;
    s->column_of = malloc(sizeof(uint32_t) * width);
    s->column_count = calloc(out_width, sizeof(uint32_t));
    s->sums = calloc((size_t)out_width * 3, sizeof(uint64_t));
    if (!s->column_of || !s->column_count || !s->sums) return -1;
    for (uint32_t x = 0; x < width; x++) {
        uint32_t ox = (uint32_t)((uint64_t)x * out_width / width);
        s->column_of[x] = ox;
        s->column_count[ox]++;
    }
    return 0;
}

static void scaler_free(struct scaler *s) {
    free(s->column_of);
    free(s->column_count);
    free(s->sums);
    s->column_of = NULL;
    s->column_count = NULL;
    s->sums = NULL;
}

int inferd_rgb_area_downscale(const unsigned char *pixels, uint32_t width, uint32_t height,
                              unsigned char *out, uint32_t out_width, uint32_t out_height) {
    if (out_width == 0 || out_height == 0 || out_width > width || out_height > height) return -1;
    struct scaler scaler;
    memset(&scaler, 0, sizeof scaler);
    if (scaler_start(&scaler, width, height, out_width, out_height, out) != 0) {
        scaler_free(&scaler);
        return -1;
    }
    for (uint32_t y = 0; y < height; y++) add_row(&scaler, y, pixels + (size_t)y * width * 3, 3);
    emit(&scaler);
    scaler_free(&scaler);
    return 0;
}

int inferd_png_decode_scaled(const unsigned char *data, size_t size, void *context,
                             inferd_png_header_fn on_header, inferd_png_progress_fn on_progress,
                             char *message, size_t message_size) {
    struct reader reader = {data, size, 0, message, message_size};
    /* on the heap behind a volatile pointer: it is filled after setjmp and freed after a longjmp */
    struct scaler *volatile scaler = calloc(1, sizeof(struct scaler));
    if (!scaler) {
        snprintf(message, message_size, "out of memory");
        return -1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, on_error, on_warning);
    if (!png) {
        free(scaler);
        snprintf(message, message_size, "cannot start the PNG decoder");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    /* volatile: assigned after setjmp and freed after a longjmp back to it */
    unsigned char *volatile row = NULL;
    unsigned char *volatile whole = NULL;
    volatile int result = 0;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        free(scaler);
        snprintf(message, message_size, "cannot start the PNG decoder");
        return -1;
    }
    if (setjmp(reader.jump)) {
        result = -1;
        goto done;
    }
    png_set_read_fn(png, &reader, read_data);
    png_set_user_limits(png, 1u << 20, 1u << 20);
    /* ancillary chunks (text, ICC profiles) may not decompress to more than this */
    png_set_chunk_malloc_max(png, 8u << 20);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &depth, &color, &interlace, NULL, NULL);
    uint32_t out_width = 0, out_height = 0;
    unsigned char *out = NULL;
    int verdict = on_header(context, width, height, interlace != PNG_INTERLACE_NONE, &out_width, &out_height, &out);
    if (verdict != 0) {
        result = verdict;
        goto done;
    }
    if (out_width == 0 || out_height == 0 || out_width > width || out_height > height || !out) {
        snprintf(message, message_size, "bad output size %ux%u for a %ux%u PNG", out_width, out_height, width, height);
        result = -1;
        goto done;
    }

    png_set_expand(png);
    png_set_scale_16(png);
    png_set_gray_to_rgb(png);
    png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 4) {
        snprintf(message, message_size, "unexpected PNG row layout");
        result = -1;
        goto done;
    }

    if (scaler_start(scaler, width, height, out_width, out_height, out) != 0) {
        snprintf(message, message_size, "out of memory");
        result = -1;
        goto done;
    }

    if (passes > 1) {
        /* Adam7 spreads every row over seven passes: the whole image is needed */
        whole = malloc((size_t)width * height * 4);
        if (!whole) {
            snprintf(message, message_size, "out of memory for an interlaced %ux%u PNG", width, height);
            result = -1;
            goto done;
        }
        for (int pass = 0; pass < passes; pass++) {
            for (uint32_t y = 0; y < height; y++) png_read_row(png, whole + (size_t)y * width * 4, NULL);
            int stop = on_progress(context, 0);
            if (stop) {
                result = stop;
                goto done;
            }
        }
        for (uint32_t y = 0; y < height; y++) add_row(scaler, y, whole + (size_t)y * width * 4, 4);
    } else {
        row = malloc((size_t)width * 4);
        if (!row) {
            snprintf(message, message_size, "out of memory");
            result = -1;
            goto done;
        }
        for (uint32_t y = 0; y < height; y++) {
            png_read_row(png, row, NULL);
            add_row(scaler, y, row, 4);
            if ((y & 63) == 63) {
                int stop = on_progress(context, y + 1);
                if (stop) {
                    result = stop;
                    goto done;
                }
            }
        }
    }
    emit(scaler);
    png_read_end(png, NULL);

done:
    png_destroy_read_struct(&png, &info, NULL);
    free(row);
    free(whole);
    scaler_free(scaler);
    free(scaler);
    return result;
}
