/*
 * A Java port of the JPEG decoder of stb_image v2.19 (public domain image loader, http://nothings.org/stb),
 * written by Sean Barrett and contributors, as bundled with darknet (pjreddie master 61c9d02e, src/stb_image.h).
 * The original's license notice follows; this port is offered under the same terms.
 *
 * ------------------------------------------------------------------------------
 * This software is available under 2 licenses -- choose whichever you prefer.
 * ------------------------------------------------------------------------------
 * ALTERNATIVE A - MIT License
 * Copyright (c) 2017 Sean Barrett
 * Permission is hereby granted, free of charge, to any person obtaining a copy of
 * this software and associated documentation files (the "Software"), to deal in
 * the Software without restriction, including without limitation the rights to
 * use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
 * of the Software, and to permit persons to whom the Software is furnished to do
 * so, subject to the following conditions:
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 * ------------------------------------------------------------------------------
 * ALTERNATIVE B - Public Domain (www.unlicense.org)
 * This is free and unencumbered software released into the public domain.
 * Anyone is free to copy, modify, publish, use, compile, sell, or distribute this
 * software, either in source code form or as a compiled binary, for any purpose,
 * commercial or non-commercial, and by any means.
 * In jurisdictions that recognize copyright laws, the author or authors of this
 * software dedicate any and all copyright interest in the software to the public
 * domain. We make this dedication for the benefit of the public at large and to
 * the detriment of our heirs and successors. We intend this dedication to be an
 * overt act of relinquishment in perpetuity of all present and future rights to
 * this software under copyright law.
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN
 * ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION
 * WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 * ------------------------------------------------------------------------------
 */
package io.yolostream.detector.preprocess;

import io.yolostream.detector.model.ModelException;

/**
 * Decodes JPEGs exactly as darknet does: darknet (built without OpenCV) loads images with
 * {@code stbi_load(file, &w, &h, &c, 3)} from stb_image v2.19, and this is a bit-exact port of that path: baseline
 * and progressive Huffman JPEGs, restart markers, any sampling factors (stb's "fancy" upsampling for 2x, nearest
 * neighbour otherwise), grey, YCbCr, RGB (component ids 'R','G','B' or Adobe transform 0 without JFIF), CMYK and
 * YCCK (Adobe transform 0 / 2), converted to RGB with stb's fixed-point arithmetic. The IDCT follows the SSE2
 * kernel x86-64 builds use (identical to the scalar one on valid data). Like stb, it rejects arithmetic-coded,
 * lossless, hierarchical and 12-bit JPEGs.
 */
public final class StbJpegDecoder {
    private StbJpegDecoder() {}

    /** True when the bytes start with a JPEG start-of-image marker (0xFF, optional 0xFF fill bytes, 0xD8), as stb tests. */
    public static boolean isJpeg(byte[] bytes) {
        if (bytes == null || bytes.length < 2 || (bytes[0] & 0xff) != 0xff) {
            return false;
        }
        int i = 1;
        while (i < bytes.length && (bytes[i] & 0xff) == 0xff) {
            i++;
        }
        return i < bytes.length && (bytes[i] & 0xff) == 0xd8;
    }

    /**
     * Decodes a JPEG to interleaved 8-bit RGB, pixel for pixel what stb_image returns for 3 requested channels.
     *
     * @param source names the bytes in error messages (a file name, ...)
     * @throws ModelException when the bytes are not a JPEG stb_image decodes (corrupt, truncated, unsupported)
     */
    public static RgbImage decode(byte[] jpeg, String source) {
        if (jpeg == null || jpeg.length == 0) {
            throw new ModelException("JPEG " + source + ": expected JPEG bytes, found "
                    + (jpeg == null ? "none" : "0 bytes"));
        }
        if (!isJpeg(jpeg)) {
            StringBuilder head = new StringBuilder();
            for (int i = 0; i < Math.min(4, jpeg.length); i++) {
                head.append(String.format("%02X ", jpeg[i] & 0xff));
            }
            throw new ModelException("JPEG " + source + ": expected a JPEG start-of-image marker (FF D8), found "
                    + jpeg.length + " bytes starting " + head.toString().strip());
        }
        try {
            StbJpegFrame frame = new StbJpegFrame(new StbJpegReader(jpeg, source));
            frame.decodeImage();
            return StbJpegColor.toRgb(frame);
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
            // stb would read out of bounds (undefined behaviour) on such input; only corrupt data gets here
            throw new ModelException("JPEG " + source + ": expected consistent JPEG data, found corrupt data ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }
}
