package io.yolostream.detector.quantize;

import io.yolostream.detector.model.ModelException;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorStatsTest {
    private static TensorStats of(float[]... chunks) {
        TensorStats s = new TensorStats();
        for (float[] c : chunks) {
            s.add(FloatBuffer.wrap(c));
        }
        return s;
    }

    @Test
    void minMaxIsTheObservedRangeWidenedToZero() {
        TensorStats s = of(new float[]{0.5f, 2f}, new float[]{1f, 3f});
        assertEquals(new TensorStats.Range(0f, 3f), s.range(RangeMethod.MINMAX, 0));
        TensorStats t = of(new float[]{-1f, -0.25f});
        assertEquals(new TensorStats.Range(-1f, 0f), t.range(RangeMethod.MINMAX, 0));
        assertEquals(4, s.count());
    }

    @Test
    void percentileClipsRareOutliersAndKeepsTheBulk() {
        float[] bulk = new float[100_000];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < bulk.length; i++) {
            bulk[i] = (float) (r.nextDouble() * 2 - 1); // uniform in [-1, 1)
        }
        // a larger first chunk forces the histogram to re-bin once the outliers arrive
        TensorStats s = of(bulk, new float[]{40f, -30f});
        TensorStats.Range minmax = s.range(RangeMethod.MINMAX, 0);
        assertEquals(-30f, minmax.min());
        assertEquals(40f, minmax.max());
        TensorStats.Range p = s.range(RangeMethod.PERCENTILE, 99.9);
        // the 0.1% tails of a uniform [-1,1) are at ±0.998; one histogram bin (80/2048 after re-binning) of slack
        assertEquals(1.0, p.max(), 0.05);
        assertEquals(-1.0, p.min(), 0.05);
    }

    @Test
    void entropyClipsALongTailButNotADenseRange() {
        SplittableRandom r = new SplittableRandom(2);
        float[] uniform = new float[200_000];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = (float) r.nextDouble() * 6;
        }
        TensorStats.Range u = of(uniform).range(RangeMethod.ENTROPY, 0);
        assertTrue(u.max() > 5.5f, "a dense uniform range is kept: " + u);

        float[] tailed = new float[200_000];
        for (int i = 0; i < tailed.length; i++) {
            // 99.9% in [0, 1), 0.1% spread up to 100
            tailed[i] = (float) (i % 1000 == 0 ? r.nextDouble() * 100 : r.nextDouble());
        }
        TensorStats s = of(tailed);
        TensorStats.Range e = s.range(RangeMethod.ENTROPY, 0);
        assertTrue(e.max() < s.max() * 0.5 && e.max() > 1, "the long tail is clipped, the bulk kept: " + e
                + " of max " + s.max());
        assertEquals(0f, e.min());
    }

    @Test
    void allZerosGiveAnEmptyRange() {
        assertEquals(new TensorStats.Range(0f, 0f), of(new float[8]).range(RangeMethod.ENTROPY, 0));
    }

    @Test
    void unknownMethodIsAClearError() {
        ModelException e = assertThrows(ModelException.class, () -> RangeMethod.parse("kl"));
        assertEquals("calibration method: expected minmax, percentile or entropy, found 'kl'", e.getMessage());
        assertEquals(RangeMethod.ENTROPY, RangeMethod.parse(" Entropy "));
    }
}
