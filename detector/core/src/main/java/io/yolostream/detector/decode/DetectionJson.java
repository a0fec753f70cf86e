package io.yolostream.detector.decode;

import java.util.List;
import java.util.Locale;

/**
 * Detections as JSON, in the shape {@code detect-image --json} prints and the JSON sinks reuse:
 * {@code {"box":{"left","top","width","height"},"objectness","label","labelId","score","path":[...],"classes":[...]}}.
 */
public final class DetectionJson {
    private DetectionJson() {
    }

    public static String array(List<Detection> detections, boolean withClasses) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < detections.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            object(sb, detections.get(i), withClasses);
        }
        return sb.append(']').toString();
    }

    public static void object(StringBuilder sb, Detection d, boolean withClasses) {
        Detection.Box b = d.box();
        sb.append("{\"box\":{\"left\":").append(num(b.left())).append(",\"top\":").append(num(b.top()))
                .append(",\"width\":").append(num(b.width())).append(",\"height\":").append(num(b.height()))
                .append("},\"objectness\":").append(prob(d.objectness()))
                .append(",\"label\":").append(string(d.label()))
                .append(",\"labelId\":").append(d.labelId())
                .append(",\"score\":").append(prob(d.score()))
                .append(",\"path\":[");
        for (int i = 0; i < d.path().size(); i++) {
            Detection.PathNode p = d.path().get(i);
            sb.append(i > 0 ? "," : "").append("{\"name\":").append(string(p.name()))
                    .append(",\"labelId\":").append(p.labelId())
                    .append(",\"conditional\":").append(prob(p.conditional()))
                    .append(",\"probability\":").append(prob(p.probability())).append('}');
        }
        sb.append(']');
        if (withClasses) {
            sb.append(",\"classes\":[");
            for (int i = 0; i < d.classes().size(); i++) {
                Detection.ClassScore c = d.classes().get(i);
                sb.append(i > 0 ? "," : "").append("{\"id\":").append(c.id()).append(",\"name\":")
                        .append(string(c.name())).append(",\"prob\":").append(prob(c.prob())).append('}');
            }
            sb.append(']');
        }
        sb.append('}');
    }

    /** Pixels to 0.01. */
    public static String num(float v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Probabilities to 6 digits: enough to compare with darknet's floats. */
    public static String prob(float v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    public static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
