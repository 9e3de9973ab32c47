// libpng's classic API reports errors by longjmp, which Swift cannot catch, so the one call that can fail is
// wrapped here in C: it returns 0 and fills `message` instead of jumping over Swift frames.
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} ll_png_source;

typedef struct {
    uint32_t width, height;
    int bit_depth;      // 8 or 16 after expansion
    int channels;       // 1 (grey), 2 (grey+alpha), 3 (RGB), 4 (RGBA)
    int color_type;     // the file's own colour type (PNG_COLOR_TYPE_*)
    int interlaced;
    uint8_t *pixels;    // rows of width*channels*(bit_depth/8) bytes, big-endian samples; free with ll_png_free
} ll_png_image;

static void ll_png_read(png_structp png, png_bytep out, png_size_t count) {
    ll_png_source *src = (ll_png_source *)png_get_io_ptr(png);
    if (src->size - src->offset < count) png_error(png, "the file ends before the image data does (truncated)");
    memcpy(out, src->data + src->offset, count);
    src->offset += count;
}

static void ll_png_error(png_structp png, png_const_charp text) {
    char *message = (char *)png_get_error_ptr(png);
    if (message) { strncpy(message, text, 255); message[255] = 0; }
    png_longjmp(png, 1);
}

static void ll_png_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

/// Decodes a whole PNG held in memory. Palette images become RGB, 1/2/4-bit grey becomes 8-bit (bits
/// replicated, as PIL does); 16-bit samples stay 16-bit; no gamma or transparency processing (PIL applies none).
/// Images with more than `max_pixels` pixels are refused before the pixel buffer is allocated.
/// Returns 1 on success; 0 with `message` (256 bytes) filled otherwise.
static int ll_png_decode(const uint8_t *data, size_t size, uint64_t max_pixels, ll_png_image *image, char *message) {
    ll_png_source src = {data, size, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, ll_png_error, ll_png_warning);
    if (!png) { strcpy(message, "out of memory"); return 0; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); strcpy(message, "out of memory"); return 0; }
    volatile png_bytep pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return 0;
    }
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_read_fn(png, &src, ll_png_read);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels) {
        snprintf(message, 256, "%u×%u, %llu pixels, above the limit of %llu", (unsigned)width, (unsigned)height,
                 (unsigned long long)width * height, (unsigned long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return 0;
    }
    int color_type = png_get_color_type(png, info);
    int interlace = png_get_interlace_type(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    image->width = width;
    image->height = height;
    image->bit_depth = png_get_bit_depth(png, info);
    image->channels = png_get_channels(png, info);
    image->color_type = color_type;
    image->interlaced = interlace != PNG_INTERLACE_NONE;
    pixels = (png_bytep)malloc(rowbytes * height ? rowbytes * height : 1);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + y * rowbytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    image->pixels = pixels;
    return 1;
}

static void ll_png_free(ll_png_image *image) { free(image->pixels); image->pixels = NULL; }
