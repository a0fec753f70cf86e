package io.yolostream.sinks.track;

import java.util.Arrays;

/**
 * Minimum-cost assignment (the Hungarian method, shortest augmenting paths with potentials, O(n²m)) on a
 * rectangular cost matrix. Pairs whose cost is {@link Double#POSITIVE_INFINITY} (or above {@code maxCost}) are never
 * assigned: the result leaves such rows unassigned instead.
 */
public final class Hungarian {
    /** Stands for a forbidden pair inside the solver: larger than any sum of allowed costs. */
    private static final double FORBIDDEN = 1e9;

    private Hungarian() {
    }

    /**
     * @param cost    rows × cols, finite costs ≥ 0 for allowed pairs, infinity for forbidden ones
     * @param maxCost pairs above this are forbidden too
     * @return for each row the column assigned to it, or -1
     */
    public static int[] assign(double[][] cost, double maxCost) {
        int rows = cost.length;
        int cols = rows == 0 ? 0 : cost[0].length;
        int[] out = new int[rows];
        Arrays.fill(out, -1);
        if (rows == 0 || cols == 0) {
            return out;
        }
        boolean transpose = rows > cols;
        int n = transpose ? cols : rows;
        int m = transpose ? rows : cols;
        double[][] a = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double c = transpose ? cost[j][i] : cost[i][j];
                a[i][j] = !(c <= maxCost) ? FORBIDDEN : c;
            }
        }
        int[] match = solve(a, n, m); // match[row i] = column j
        for (int i = 0; i < n; i++) {
            int j = match[i];
            if (j < 0 || a[i][j] >= FORBIDDEN) {
                continue;
            }
            if (transpose) {
                out[j] = i;
            } else {
                out[i] = j;
            }
        }
        return out;
    }

    /** e-maxx's formulation, 1-based internally; n ≤ m. */
    private static int[] solve(double[][] a, int n, int m) {
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1];
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] match = new int[n];
        Arrays.fill(match, -1);
        for (int j = 1; j <= m; j++) {
            if (p[j] != 0) {
                match[p[j] - 1] = j - 1;
            }
        }
        return match;
    }
}
