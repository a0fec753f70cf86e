package io.yolostream.sinks.track;

/**
 * A constant-velocity Kalman filter of a box in image space: centre x, centre y, width and height, each with its
 * velocity. Time steps are seconds of capture time, so a 2 frames/s camera and a 25 frames/s one share the model
 * and a gap (a skipped frame, a missed detection) is a longer step. The four axes are independent (the transition,
 * the noise and the measurement are per axis), so the 8-state filter is exactly four 2-state filters. Noise scales
 * with the box's larger side (a near object moves more pixels than a far one; a car its length, a pedestrian its
 * height).
 * <p>
 * State: {@code x[0..3]} = cx, cy, w, h; {@code x[4..7]} = their velocities (pixels per second);
 * {@code p[3k..3k+2]} = the covariance (var pos, cov, var vel) of axis k.
 */
public final class MotionFilter {
    /** Measurement noise of the centre and of the size, as a fraction of the scale (the larger side). */
    static final double MEASURE_POS = 0.05;
    static final double MEASURE_SIZE = 0.05;
    /** Initial uncertainty: position (fraction of the scale) and velocity (scales per second). */
    static final double INIT_POS = 0.1;
    static final double INIT_VEL = 2;
    static final double INIT_SIZE_VEL = 0.2;
    /** White-noise acceleration (scales per second²) of the centre and of the size. */
    static final double ACCEL_POS = 0.3;
    static final double ACCEL_SIZE = 0.3;

    private final double[] x;
    private final double[] p;

    private MotionFilter(double[] x, double[] p) {
        this.x = x;
        this.p = p;
    }

    /** A new filter at {@code b}, at rest, uncertain about its velocity. */
    public static MotionFilter start(Box b) {
        double[] x = {b.cx(), b.cy(), Math.max(1, b.width()), Math.max(1, b.height()), 0, 0, 0, 0};
        double h = scale(x);
        double[] p = new double[12];
        for (int k = 0; k < 4; k++) {
            double posVar = sq(INIT_POS * h);
            double velVar = sq((k < 2 ? INIT_VEL : INIT_SIZE_VEL) * h);
            p[3 * k] = posVar;
            p[3 * k + 2] = velVar;
        }
        return new MotionFilter(x, p);
    }

    /** A filter from its saved state (8 values) and covariance (12 values). */
    public static MotionFilter restore(double[] state, double[] covariance) {
        if (state.length != 8 || covariance.length != 12) {
            throw new IllegalArgumentException("motion filter: expected 8 state and 12 covariance values, found "
                    + state.length + " and " + covariance.length);
        }
        return new MotionFilter(state.clone(), covariance.clone());
    }

    public double[] state() {
        return x.clone();
    }

    public double[] covariance() {
        return p.clone();
    }

    public MotionFilter copy() {
        return new MotionFilter(x.clone(), p.clone());
    }

    /** Moves the state {@code dt} seconds on (no-op for dt ≤ 0). */
    public void predict(double dt) {
        if (!(dt > 0)) {
            return;
        }
        double h = scale();
        for (int k = 0; k < 4; k++) {
            double q = sq((k < 2 ? ACCEL_POS : ACCEL_SIZE) * h);
            x[k] += x[4 + k] * dt;
            int i = 3 * k;
            double p00 = p[i];
            double p01 = p[i + 1];
            double p11 = p[i + 2];
            p[i] = p00 + 2 * dt * p01 + dt * dt * p11 + q * dt * dt * dt / 3;
            p[i + 1] = p01 + dt * p11 + q * dt * dt / 2;
            p[i + 2] = p11 + q * dt;
        }
        x[2] = Math.max(1, x[2]);
        x[3] = Math.max(1, x[3]);
    }

    /** Corrects the state with a measured box. */
    public void update(Box b) {
        double[] z = {b.cx(), b.cy(), Math.max(1, b.width()), Math.max(1, b.height())};
        double h = scale();
        for (int k = 0; k < 4; k++) {
            double r = sq((k < 2 ? MEASURE_POS : MEASURE_SIZE) * h);
            int i = 3 * k;
            double p00 = p[i];
            double p01 = p[i + 1];
            double p11 = p[i + 2];
            double s = p00 + r;
            double k0 = p00 / s;
            double k1 = p01 / s;
            double y = z[k] - x[k];
            x[k] += k0 * y;
            x[4 + k] += k1 * y;
            p[i] = (1 - k0) * p00;
            p[i + 1] = (1 - k0) * p01;
            p[i + 2] = p11 - k1 * p01;
        }
        x[2] = Math.max(1, x[2]);
        x[3] = Math.max(1, x[3]);
    }

    /**
     * Squared Mahalanobis distance of a measured box's centre from the predicted centre (2 degrees of freedom: 9.21
     * is the 99% gate).
     */
    public double centreDistance2(Box b) {
        double h = scale();
        double r = sq(MEASURE_POS * h);
        double dx = b.cx() - x[0];
        double dy = b.cy() - x[1];
        return dx * dx / (p[0] + r) + dy * dy / (p[3] + r);
    }

    public Box box() {
        return Box.ofCenter(x[0], x[1], x[2], x[3]);
    }

    /** The box's larger side: the unit of the noise (a wide car moves its length, a pedestrian its height). */
    public double scale() {
        return scale(x);
    }

    static double scale(double[] x) {
        return Math.max(1, Math.max(x[2], x[3]));
    }

    /** Centre velocity, pixels per second. */
    public double vx() {
        return x[4];
    }

    public double vy() {
        return x[5];
    }

    private static double sq(double v) {
        return v * v;
    }
}
