package io.yolostream.sinks.annotate;

import io.yolostream.detector.avro.DetectedObject;
import io.yolostream.detector.avro.Detection;
import io.yolostream.detector.avro.DetectionStatus;
import io.yolostream.ingest.avro.Frame;
import io.yolostream.sinks.avro.RoutedPathNode;
import io.yolostream.sinks.common.SinksException;
import io.yolostream.sinks.hierarchy.Hierarchy;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Draws a detection record on its frame with java.awt in headless mode (no native libraries beyond the JDK's):
 * one box per object with its label, score and the last two levels of its WordTree path, coloured by its top-level
 * category (stable across runs: a hash of the node's name picks from a palette); frames that were not detected say
 * why in a banner. Thread-safe.
 */
public final class FrameAnnotator {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Distinct on dark and light scenes (Tableau 10, brightened). */
    public static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
            new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1),
            new Color(0xFF9DA7), new Color(0x9C755F), new Color(0x17BECF)};
    private static final float JPEG_QUALITY = 0.85f;
    /** Boxes drawn per frame at most, highest scores first: more would hide the picture (and cost time). */
    static final int MAX_DRAWN = 40;

    private final Hierarchy hierarchy;

    public FrameAnnotator(Hierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    /**
     * The frame with the objects of {@code d} drawn (same camera, sequence, times; a new JPEG): the
     * {@value #MAX_DRAWN} best, and a banner saying how many more there are.
     */
    public Frame annotate(Frame f, Detection d) {
        return annotate(f, d, Overlay.NONE);
    }

    /** Like {@link #annotate(Frame, Detection)}, with the zones, lines and tracks of {@code overlay} drawn too. */
    public Frame annotate(Frame f, Detection d, Overlay overlay) {
        List<DetectedObject> objects = d.getObjects();
        if (objects.size() <= MAX_DRAWN) {
            return annotate(f, d, objects, overlay);
        }
        List<DetectedObject> best = objects.stream()
                .sorted(Comparator.comparingDouble(DetectedObject::getScore).reversed()).limit(MAX_DRAWN).toList();
        return annotate(f, d, best, overlay);
    }

    /** The frame with only {@code objects} drawn (the snapshot sink draws the one object it keeps). */
    public Frame annotate(Frame f, Detection d, List<DetectedObject> objects) {
        return annotate(f, d, objects, Overlay.NONE);
    }

    private Frame annotate(Frame f, Detection d, List<DetectedObject> objects, Overlay overlay) {
        BufferedImage img = decode(f);
        Graphics2D g = img.createGraphics();
        try {
            OverlayPainter.shapes(g, overlay, img);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int fontPx = Math.max(11, Math.min(22, img.getHeight() / 28));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontPx));
            g.setStroke(new BasicStroke(Math.max(2f, img.getHeight() / 240f)));
            // smaller scores first, so the best boxes end up on top
            List<DetectedObject> order = objects.stream()
                    .sorted(Comparator.comparingDouble(DetectedObject::getScore)).toList();
            for (DetectedObject o : order) {
                List<RoutedPathNode> path = hierarchy.pathOf(o);
                box(g, o, caption(o, path), colour(path), img);
            }
            OverlayPainter.tracks(g, overlay, img);
            if (d.getStatus() != DetectionStatus.OK) {
                banner(g, d.getStatus().name() + (d.getReason() == null ? "" : ": " + d.getReason()), img);
            } else if (objects.size() < d.getObjects().size() && objects.size() == MAX_DRAWN) {
                banner(g, "the best " + MAX_DRAWN + " of " + d.getObjects().size() + " objects", img);
            }
        } finally {
            g.dispose();
        }
        return Frame.newBuilder(f).setImage(ByteBuffer.wrap(encode(img))).setWidth(img.getWidth())
                .setHeight(img.getHeight()).build();
    }

    /** "label 0.87 · parent › node": the last two levels of the path when they add something to the label. */
    public static String caption(DetectedObject o, List<RoutedPathNode> path) {
        String score = String.format(Locale.ROOT, "%.2f", o.getScore());
        String tail = lastTwo(path);
        return o.getLabel() + " " + score + (tail.isEmpty() || tail.equals(o.getLabel()) ? "" : " · " + tail);
    }

    /** The last two levels of the path, "parent › node" (one level for a one-node path). */
    public static String lastTwo(List<RoutedPathNode> path) {
        if (path.isEmpty()) {
            return "";
        }
        String last = path.get(path.size() - 1).getName();
        return path.size() == 1 ? last : path.get(path.size() - 2).getName() + " › " + last;
    }

    /**
     * The colour of the path's top-level category: the node under the root on paths of three or more levels (a tree
     * such as 9k puts nearly everything under one root), else the first node (a flat model's label).
     */
    public static Color colour(List<RoutedPathNode> path) {
        if (path.isEmpty()) {
            return PALETTE[0];
        }
        String key = path.get(path.size() >= 3 ? 1 : 0).getName();
        return PALETTE[Math.floorMod(stableHash(key), PALETTE.length)];
    }

    /** FNV-1a over the UTF-16 chars: the same colour for a name in every run and JVM. */
    public static int stableHash(String s) {
        int h = 0x811C9DC5;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x01000193;
        }
        return h;
    }

    private static void box(Graphics2D g, DetectedObject o, String caption, Color c, BufferedImage img) {
        int x = clamp(Math.round(o.getLeft()), 0, img.getWidth() - 1);
        int y = clamp(Math.round(o.getTop()), 0, img.getHeight() - 1);
        int w = clamp(Math.round(o.getWidth()), 1, img.getWidth() - x);
        int h = clamp(Math.round(o.getHeight()), 1, img.getHeight() - y);
        g.setColor(c);
        g.drawRect(x, y, w - 1, h - 1);
        FontMetrics fm = g.getFontMetrics();
        int tw = fm.stringWidth(caption) + 6;
        int th = fm.getHeight();
        // above the box when there is room, else inside its top edge
        int ty = y - th >= 0 ? y - th : y;
        int tx = Math.min(x, Math.max(0, img.getWidth() - tw));
        g.fillRect(tx, ty, tw, th);
        g.setColor(textOn(c));
        g.drawString(caption, tx + 3, ty + fm.getAscent());
    }

    private static void banner(Graphics2D g, String text, BufferedImage img) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(new Color(0, 0, 0, 170));
        g.fillRect(0, 0, img.getWidth(), fm.getHeight() + 4);
        g.setColor(Color.WHITE);
        g.drawString(text, 4, 2 + fm.getAscent());
    }

    private static Color textOn(Color c) {
        double luma = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
        return luma > 150 ? Color.BLACK : Color.WHITE;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    public static BufferedImage decode(Frame f) {
        ByteBuffer b = f.getImage().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        BufferedImage src;
        try {
            src = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            src = null;
        }
        if (src == null) {
            throw new SinksException("frame " + f.getCameraId() + "#" + f.getSequence()
                    + ": expected a JPEG image, found " + bytes.length + " bytes ImageIO cannot read");
        }
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return rgb;
    }

    static byte[] encode(BufferedImage img) {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(img.getWidth() * img.getHeight() / 4);
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            w.setOutput(ios);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(JPEG_QUALITY);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new SinksException("JPEG encoding of an annotated frame failed: " + e.getMessage(), e);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }
}
