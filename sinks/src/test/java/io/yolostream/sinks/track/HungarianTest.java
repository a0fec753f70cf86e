package io.yolostream.sinks.track;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HungarianTest {
    @Test
    void aHandSolvedSquareCase() {
        double[][] c = {{1, 2, 9}, {3, 8, 7}, {9, 3, 9}};
        // the six permutations cost 18, 11, 14, 18, 15, 26: the optimum is row0→col0 (1), row1→col2 (7), row2→col1 (3)
        assertArrayEquals(new int[]{0, 2, 1}, Hungarian.assign(c, 100));
    }

    @Test
    void forbiddenPairsAndCostsAboveTheLimitStayUnassigned() {
        double inf = Double.POSITIVE_INFINITY;
        assertArrayEquals(new int[]{1, -1}, Hungarian.assign(new double[][]{{inf, 0.5}, {inf, inf}}, 1));
        assertArrayEquals(new int[]{-1, 0}, Hungarian.assign(new double[][]{{2, inf}, {0.5, inf}}, 1));
        assertArrayEquals(new int[0], Hungarian.assign(new double[0][0], 1));
        assertArrayEquals(new int[]{-1, -1}, Hungarian.assign(new double[2][0], 1));
    }

    @Test
    void rectangularMatricesBothWays() {
        assertArrayEquals(new int[]{2}, Hungarian.assign(new double[][]{{0.9, 0.8, 0.1}}, 1));
        assertArrayEquals(new int[]{-1, 0, -1}, Hungarian.assign(new double[][]{{0.9}, {0.1}, {0.5}}, 1));
    }

    /** Against brute force: most pairs assigned first, then the least total cost. */
    @Test
    void agreesWithBruteForceOnRandomMatrices() {
        Random r = new Random(7);
        for (int t = 0; t < 1500; t++) {
            int n = 1 + r.nextInt(6);
            int m = 1 + r.nextInt(6);
            double[][] c = new double[n][m];
            for (double[] row : c) {
                for (int j = 0; j < m; j++) {
                    row[j] = r.nextDouble() < 0.3 ? Double.POSITIVE_INFINITY : r.nextDouble();
                }
            }
            int[] a = Hungarian.assign(c, 1.0);
            double[] best = {Double.POSITIVE_INFINITY, -1};
            brute(c, 0, new boolean[m], 0, 0, best);
            int count = 0;
            double sum = 0;
            boolean[] used = new boolean[m];
            for (int i = 0; i < n; i++) {
                if (a[i] >= 0) {
                    assertEquals(false, used[a[i]], "a column twice: " + Arrays.toString(a));
                    used[a[i]] = true;
                    count++;
                    sum += c[i][a[i]];
                }
            }
            assertEquals(best[1], count, Arrays.deepToString(c));
            assertEquals(best[0], sum, 1e-9, Arrays.deepToString(c));
        }
    }

    private static void brute(double[][] c, int i, boolean[] used, double sum, int count, double[] best) {
        if (i == c.length) {
            if (count > best[1] || count == best[1] && sum < best[0]) {
                best[0] = sum;
                best[1] = count;
            }
            return;
        }
        brute(c, i + 1, used, sum, count, best);
        for (int j = 0; j < c[i].length; j++) {
            if (!used[j] && c[i][j] <= 1.0) {
                used[j] = true;
                brute(c, i + 1, used, sum + c[i][j], count + 1, best);
                used[j] = false;
            }
        }
    }
}
