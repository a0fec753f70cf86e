package io.yolostream.deploy.track;

import io.yolostream.sinks.track.Box;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic tracking scenes with ground truth, generated from a seed (the same seed gives the same files): objects
 * move on piecewise-linear paths in a 1280×720 image for 30 s; a scene is then sampled at a frame rate. Ground truth
 * holds every object at least 30% visible (inside the image, not hidden by nearer objects or static occluders);
 * its detection is missed with the scene's miss rate, jittered (4% of its size), scored 0.55–0.95 when at least 60%
 * visible and 0.15–0.45 (a low-score detection) below that; false positives (random boxes, 0.2–0.65) appear at the
 * scene's rate per frame.
 * <ul>
 * <li>{@code crossing}: two groups of pedestrians walking through each other along the same street;</li>
 * <li>{@code occlusion}: pedestrians in both directions passing behind a pillar and one another;</li>
 * <li>{@code turn-stop}: cars that drive in, stop for 2–4 s, turn 90° and drive out;</li>
 * <li>{@code crowd}: 18 pedestrians wandering between waypoints with pauses, 25% missed, many false positives;</li>
 * <li>{@code fast}: cars at 300–450 px/s in four adjacent lanes both ways, 30% missed (at 2 frames/s a car moves
 * more than its length between frames: IoU with its previous box is 0).</li>
 * </ul>
 */
public final class SyntheticScenes {
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 720;
    public static final double DURATION_S = 30;
    static final double VISIBLE = 0.3;
    static final double WELL_VISIBLE = 0.6;
    static final double JITTER = 0.04;

    /** One scene sampled at {@code fps}: ground truth and detections, MOTChallenge rows (frames from 1). */
    public record Scene(String name, double fps, int frames, List<MotRow> gt, List<MotRow> detections) {
        public String id() {
            return name + "@" + (fps == Math.rint(fps) ? Integer.toString((int) fps) : Double.toString(fps));
        }
    }

    /** The scene names, in table order. */
    public static final List<String> NAMES = List.of("crossing", "occlusion", "turn-stop", "crowd", "fast");

    private record Key(double t, double cx, double cy) {
    }

    private record Obj(int id, double w, double h, List<Key> keys) {
        double start() {
            return keys.get(0).t();
        }

        double end() {
            return keys.get(keys.size() - 1).t();
        }

        /** The box at time t, null when not in the scene then. */
        Box at(double t) {
            if (t < start() || t > end()) {
                return null;
            }
            for (int i = 1; i < keys.size(); i++) {
                Key a = keys.get(i - 1);
                Key b = keys.get(i);
                if (t <= b.t()) {
                    double f = b.t() == a.t() ? 1 : (t - a.t()) / (b.t() - a.t());
                    return Box.ofCenter(a.cx() + f * (b.cx() - a.cx()), a.cy() + f * (b.cy() - a.cy()), w, h);
                }
            }
            return null;
        }
    }

    private record World(String name, List<Obj> objects, List<Box> occluders, double miss, double fpPerFrame) {
    }

    private SyntheticScenes() {
    }

    /** Every scene at every frame rate, scenes outer, rates inner. */
    public static List<Scene> all(double[] fpsList, long seed) {
        List<Scene> out = new ArrayList<>();
        for (String name : NAMES) {
            for (double fps : fpsList) {
                out.add(scene(name, fps, seed));
            }
        }
        return out;
    }

    public static Scene scene(String name, double fps, long seed) {
        long s = seed * 31 + name.hashCode();
        World w = world(name, new Random(s));
        return sample(w, fps, new Random(s ^ Double.doubleToLongBits(fps) * 0x9E3779B97F4A7C15L));
    }

    private static World world(String name, Random r) {
        List<Obj> objs = new ArrayList<>();
        List<Box> occluders = new ArrayList<>();
        switch (name) {
            case "crossing" -> {
                for (int i = 0; i < 8; i++) {
                    boolean right = i % 2 == 0;
                    double speed = 70 + r.nextDouble() * 40;
                    double y = 380 + (right ? -12 : 12) + r.nextGaussian() * 8;
                    double t0 = 1 + (i / 2) * 5.5 + r.nextDouble() * 2;
                    double w = 45 * (0.9 + r.nextDouble() * 0.2);
                    objs.add(walk(i + 1, w, w * 2.4, t0, right ? -w : WIDTH + w, y, right ? WIDTH + w : -w, y,
                            speed));
                }
                return new World(name, objs, occluders, 0.15, 0.3);
            }
            case "occlusion" -> {
                occluders.add(new Box(580, 150, 140, 500));
                for (int i = 0; i < 8; i++) {
                    boolean right = i % 2 == 0;
                    double speed = 60 + r.nextDouble() * 80;
                    double y = 300 + r.nextDouble() * 220;
                    double t0 = r.nextDouble() * 16;
                    double w = 40 + r.nextDouble() * 20;
                    objs.add(walk(i + 1, w, w * 2.4, t0, right ? -w : WIDTH + w, y, right ? WIDTH + w : -w, y,
                            speed));
                }
                return new World(name, objs, occluders, 0.2, 0.3);
            }
            case "turn-stop" -> {
                for (int i = 0; i < 7; i++) {
                    double speed = 150 + r.nextDouble() * 100;
                    double y = 180 + i * 60 + r.nextDouble() * 20;
                    double xTurn = 300 + r.nextDouble() * 700;
                    double t = 0.5 + i * 3 + r.nextDouble() * 2;
                    double w = 110;
                    double h = 60;
                    List<Key> k = new ArrayList<>();
                    k.add(new Key(t, -w, y));
                    t += (xTurn + w) / speed;
                    k.add(new Key(t, xTurn, y));
                    t += 2 + r.nextDouble() * 2; // stopped
                    k.add(new Key(t, xTurn, y));
                    // a rounded 90° turn, then out of the image
                    boolean down = r.nextBoolean();
                    double radius = 60;
                    for (int a = 1; a <= 4; a++) {
                        double ang = a * Math.PI / 8;
                        double cx = xTurn + radius * Math.sin(ang);
                        double cy = y + (down ? 1 : -1) * radius * (1 - Math.cos(ang));
                        t += radius * Math.PI / 8 / speed;
                        k.add(new Key(t, cx, cy));
                    }
                    Key last = k.get(k.size() - 1);
                    double dist = down ? HEIGHT + h - last.cy() : last.cy() + h;
                    k.add(new Key(t + dist / speed, last.cx(), down ? HEIGHT + h : -h));
                    objs.add(new Obj(i + 1, w, h, k));
                }
                return new World(name, objs, occluders, 0.15, 0.3);
            }
            case "crowd" -> {
                for (int i = 0; i < 18; i++) {
                    double speed = 40 + r.nextDouble() * 60;
                    double w = 35 + r.nextDouble() * 25;
                    double t = r.nextDouble() * 12;
                    List<Key> k = new ArrayList<>();
                    double x = r.nextBoolean() ? -w : WIDTH + w;
                    double y = 150 + r.nextDouble() * 450;
                    k.add(new Key(t, x, y));
                    int stops = 3 + r.nextInt(3);
                    for (int s = 0; s < stops; s++) {
                        double nx = 100 + r.nextDouble() * (WIDTH - 200);
                        double ny = 150 + r.nextDouble() * 450;
                        t += Math.hypot(nx - x, ny - y) / speed;
                        k.add(new Key(t, nx, ny));
                        if (r.nextDouble() < 0.4) {
                            t += r.nextDouble() * 2;
                            k.add(new Key(t, nx, ny));
                        }
                        x = nx;
                        y = ny;
                    }
                    double ex = r.nextBoolean() ? -w : WIDTH + w;
                    k.add(new Key(t + Math.abs(ex - x) / speed, ex, y));
                    objs.add(new Obj(i + 1, w, w * 2.4, k));
                }
                return new World(name, objs, occluders, 0.25, 0.8);
            }
            case "fast" -> {
                double[] lanes = {220, 280, 440, 500};
                for (int i = 0; i < 10; i++) {
                    int lane = i % 4;
                    boolean right = lane < 2;
                    double speed = 300 + r.nextDouble() * 150;
                    double t0 = (i / 4) * 7 + r.nextDouble() * 5;
                    double w = 120;
                    double y = lanes[lane] + r.nextGaussian() * 4;
                    objs.add(walk(i + 1, w, 60, t0, right ? -w : WIDTH + w, y, right ? WIDTH + w : -w, y, speed));
                }
                return new World(name, objs, occluders, 0.3, 0.3);
            }
            default -> throw new IllegalArgumentException("scene: expected one of " + NAMES + ", found '" + name
                    + "'");
        }
    }

    private static Obj walk(int id, double w, double h, double t0, double x0, double y0, double x1, double y1,
                            double speed) {
        double t1 = t0 + Math.hypot(x1 - x0, y1 - y0) / speed;
        return new Obj(id, w, h, List.of(new Key(t0, x0, y0), new Key(t1, x1, y1)));
    }

    private static Scene sample(World w, double fps, Random r) {
        List<MotRow> gt = new ArrayList<>();
        List<MotRow> dets = new ArrayList<>();
        int frames = (int) Math.floor(DURATION_S * fps);
        for (int k = 1; k <= frames; k++) {
            double t = (k - 1) / fps;
            List<Obj> present = new ArrayList<>();
            List<Box> boxes = new ArrayList<>();
            for (Obj o : w.objects()) {
                Box b = o.at(t);
                if (b != null) {
                    present.add(o);
                    boxes.add(b);
                }
            }
            for (int i = 0; i < present.size(); i++) {
                Box b = boxes.get(i);
                double vis = visibility(b, i, boxes, w.occluders());
                if (vis < VISIBLE) {
                    continue;
                }
                Box clipped = clip(b);
                gt.add(new MotRow(k, Integer.toString(present.get(i).id()), clipped, 1));
                if (r.nextDouble() < w.miss()) {
                    continue;
                }
                double score = vis >= WELL_VISIBLE ? 0.55 + r.nextDouble() * 0.4 : 0.15 + r.nextDouble() * 0.3;
                Box d = clip(Box.ofCenter(clipped.cx() + r.nextGaussian() * JITTER * clipped.width(),
                        clipped.cy() + r.nextGaussian() * JITTER * clipped.height(),
                        clipped.width() * (1 + r.nextGaussian() * JITTER),
                        clipped.height() * (1 + r.nextGaussian() * JITTER)));
                dets.add(new MotRow(k, "-1", d, score));
            }
            int fps0 = poisson(w.fpPerFrame(), r);
            for (int i = 0; i < fps0; i++) {
                double bw = 40 + r.nextDouble() * 80;
                double bh = bw * (0.5 + r.nextDouble() * 2);
                dets.add(new MotRow(k, "-1", clip(new Box(r.nextDouble() * (WIDTH - bw), r.nextDouble() * (HEIGHT - bh),
                        bw, bh)), 0.2 + r.nextDouble() * 0.45));
            }
        }
        return new Scene(w.name(), fps, frames, gt, dets);
    }

    /**
     * The fraction of the box inside the image and not covered by a nearer object (lower bottom edge) or an
     * occluder, on a 10×10 grid of points.
     */
    static double visibility(Box b, int self, List<Box> boxes, List<Box> occluders) {
        int seen = 0;
        int n = 10;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = b.left() + (i + 0.5) * b.width() / n;
                double y = b.top() + (j + 0.5) * b.height() / n;
                if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) {
                    continue;
                }
                boolean covered = false;
                for (Box o : occluders) {
                    covered |= inside(o, x, y);
                }
                for (int k = 0; k < boxes.size() && !covered; k++) {
                    Box o = boxes.get(k);
                    if (k != self && (o.bottom() > b.bottom() || o.bottom() == b.bottom() && k > self)) {
                        covered = inside(o, x, y);
                    }
                }
                if (!covered) {
                    seen++;
                }
            }
        }
        return seen / (double) (n * n);
    }

    private static boolean inside(Box o, double x, double y) {
        return x >= o.left() && x < o.right() && y >= o.top() && y < o.bottom();
    }

    static Box clip(Box b) {
        double l = Math.max(0, b.left());
        double t = Math.max(0, b.top());
        double r = Math.min(WIDTH, b.right());
        double bo = Math.min(HEIGHT, b.bottom());
        return new Box(l, t, Math.max(1, r - l), Math.max(1, bo - t));
    }

    private static int poisson(double lambda, Random r) {
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
