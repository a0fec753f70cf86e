package io.yolostream.detector.decode;

import java.util.Arrays;

/** Builds a raw region output {@code [anchor*(5+classes)+entry][gridH][gridW]} by hand for tests. */
final class RegionOutput {
    static final float OFF = -20f; // logit whose logistic is far below any threshold

    final int gridW;
    final int gridH;
    final int num;
    final int classes;
    final float[] data;

    RegionOutput(int gridW, int gridH, int num, int classes) {
        this.gridW = gridW;
        this.gridH = gridH;
        this.num = num;
        this.classes = classes;
        this.data = new float[num * (5 + classes) * gridW * gridH];
        for (int n = 0; n < num; n++) {
            for (int cell = 0; cell < gridW * gridH; cell++) {
                data[index(n, 4, cell / gridW, cell % gridW)] = OFF;
            }
        }
    }

    int index(int anchor, int entry, int row, int col) {
        return ((anchor * (5 + classes) + entry) * gridH + row) * gridW + col;
    }

    RegionOutput set(int anchor, int entry, int row, int col, float value) {
        data[index(anchor, entry, row, col)] = value;
        return this;
    }

    /** Sets the box logits (tx, ty before logistic; tw, th before exp) and the objectness logit. */
    RegionOutput box(int anchor, int row, int col, float tx, float ty, float tw, float th, float obj) {
        return set(anchor, 0, row, col, tx).set(anchor, 1, row, col, ty).set(anchor, 2, row, col, tw)
                .set(anchor, 3, row, col, th).set(anchor, 4, row, col, obj);
    }

    RegionOutput classLogits(int anchor, int row, int col, float... logits) {
        for (int j = 0; j < logits.length; j++) {
            set(anchor, 5 + j, row, col, logits[j]);
        }
        return this;
    }

    float[] copy() {
        return Arrays.copyOf(data, data.length);
    }
}
