package io.yolostream.sinks.annotate;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws an {@link Overlay}: zones as translucent polygons with their name, lines with an arrow head at their second
 * point and a tick towards their right side (the {@code forward} crossing direction), tracks as their id under the
 * box and a fading trail of their anchor points.
 */
final class OverlayPainter {
    private static final Color ZONE = new Color(0x00, 0xC8, 0xFF);
    private static final Color LINE = new Color(0xFF, 0xE0, 0x00);

    private OverlayPainter() {
    }

    static void shapes(Graphics2D g, Overlay o, BufferedImage img) {
        if (o.shapes().isEmpty()) {
            return;
        }
        Object aa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Stroke stroke = g.getStroke();
        Composite composite = g.getComposite();
        FontMetrics fm = g.getFontMetrics();
        for (Overlay.Shape s : o.shapes()) {
            List<double[]> p = s.points();
            if (p.size() < 2) {
                continue;
            }
            if (!s.line()) {
                Polygon poly = new Polygon();
                p.forEach(pt -> poly.addPoint((int) Math.round(pt[0]), (int) Math.round(pt[1])));
                g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.18f));
                g.setColor(ZONE);
                g.fillPolygon(poly);
                g.setComposite(composite);
                g.setStroke(new BasicStroke(Math.max(1.5f, img.getHeight() / 360f)));
                g.drawPolygon(poly);
                label(g, fm, s.name(), poly.getBounds().x + 3, poly.getBounds().y + fm.getAscent() + 2, ZONE);
            } else {
                double[] a = p.get(0);
                double[] b = p.get(1);
                g.setColor(LINE);
                g.setStroke(new BasicStroke(Math.max(2f, img.getHeight() / 240f)));
                g.drawLine((int) a[0], (int) a[1], (int) b[0], (int) b[1]);
                double len = Math.hypot(b[0] - a[0], b[1] - a[1]);
                if (len > 0) {
                    double ux = (b[0] - a[0]) / len;
                    double uy = (b[1] - a[1]) / len;
                    double head = Math.max(8, img.getHeight() / 40.0);
                    Polygon arrow = new Polygon();
                    arrow.addPoint((int) b[0], (int) b[1]);
                    arrow.addPoint((int) (b[0] - head * ux - head * 0.5 * uy), (int) (b[1] - head * uy + head * 0.5 * ux));
                    arrow.addPoint((int) (b[0] - head * ux + head * 0.5 * uy), (int) (b[1] - head * uy - head * 0.5 * ux));
                    g.fillPolygon(arrow);
                    // the right side of a→b on the image (y down) is (-uy, ux): forward crossings go that way
                    double mx = (a[0] + b[0]) / 2;
                    double my = (a[1] + b[1]) / 2;
                    g.drawLine((int) mx, (int) my, (int) (mx - uy * head * 1.5), (int) (my + ux * head * 1.5));
                }
                label(g, fm, s.name(), (int) a[0] + 3, (int) a[1] - 4, LINE);
            }
        }
        g.setStroke(stroke);
        g.setComposite(composite);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
    }

    static void tracks(Graphics2D g, Overlay o, BufferedImage img) {
        if (o.tracks().isEmpty()) {
            return;
        }
        Object aa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        Stroke stroke = g.getStroke();
        FontMetrics fm = g.getFontMetrics();
        for (Overlay.Mark m : o.tracks()) {
            Color c = FrameAnnotator.PALETTE[Math.floorMod(FrameAnnotator.stableHash(m.colourKey()),
                    FrameAnnotator.PALETTE.length)];
            List<double[]> t = m.trail();
            float w = Math.max(2f, img.getHeight() / 300f);
            for (int i = 1; i < t.size(); i++) {
                float alpha = 0.25f + 0.75f * i / t.size();
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), Math.round(alpha * 255)));
                g.setStroke(new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.drawLine((int) t.get(i - 1)[0], (int) t.get(i - 1)[1], (int) t.get(i)[0], (int) t.get(i)[1]);
            }
            if (m.lost()) {
                g.setColor(c);
                g.setStroke(new BasicStroke(w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[]{6f, 6f}, 0f));
                g.drawRect((int) m.left(), (int) m.top(), (int) Math.max(1, m.width()), (int) Math.max(1, m.height()));
            }
            int x = (int) Math.max(0, Math.min(img.getWidth() - fm.stringWidth(m.tag()) - 6, m.left()));
            int y = (int) Math.min(img.getHeight() - 2, m.top() + m.height() + fm.getAscent());
            label(g, fm, m.tag(), x, y, c);
        }
        g.setStroke(stroke);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
    }

    private static void label(Graphics2D g, FontMetrics fm, String text, int x, int baseline, Color c) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int w = fm.stringWidth(text) + 6;
        g.setColor(new Color(0, 0, 0, 160));
        g.fillRect(x, baseline - fm.getAscent(), w, fm.getHeight());
        g.setColor(c);
        g.drawString(text, x + 3, baseline);
    }
}
