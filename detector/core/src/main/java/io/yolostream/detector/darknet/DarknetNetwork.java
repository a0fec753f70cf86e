package io.yolostream.detector.darknet;

import io.yolostream.detector.darknet.DarknetLayer.Activation;
import io.yolostream.detector.model.ModelException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A YOLOv2-family network built from a cfg: the layers with their shapes at the nominal input size, checked the way
 * darknet's parser would, and refusing anything the converter cannot reproduce exactly.
 */
public record DarknetNetwork(DarknetCfg cfg, int width, int height, int channels, List<DarknetLayer> layers) {

    private static final Set<String> NET_TYPES = Set.of("net", "network");

    public static DarknetNetwork of(DarknetCfg cfg) {
        List<CfgSection> sections = cfg.sections();
        CfgSection net = sections.get(0);
        if (!NET_TYPES.contains(net.type())) {
            throw new ModelException(net.where() + ": expected the first section to be [net], found [" + net.type()
                    + "]");
        }
        int width = net.integer("width", 0);
        int height = net.integer("height", 0);
        int channels = net.integer("channels", 0);
        if (width <= 0 || height <= 0 || channels != 3) {
            throw new ModelException(net.where() + ": expected width > 0, height > 0 and channels=3, found width="
                    + width + " height=" + height + " channels=" + channels);
        }
        List<DarknetLayer> layers = new ArrayList<>();
        int c = channels;
        int h = height;
        int w = width;
        for (int i = 1; i < sections.size(); i++) {
            CfgSection s = sections.get(i);
            int index = layers.size();
            if (!layers.isEmpty() && layers.get(layers.size() - 1) instanceof DarknetLayer.Region) {
                throw new ModelException(s.where() + ": expected [region] to be the last layer, found [" + s.type()
                        + "] after it");
            }
            DarknetLayer layer = switch (s.type()) {
                case "convolutional", "conv" -> convolutional(index, s, c, h, w);
                case "maxpool", "max" -> maxpool(index, s, c, h, w);
                case "route" -> route(index, s, layers);
                case "reorg" -> reorg(index, s, c, h, w);
                case "region" -> region(index, s, c, h, w);
                default -> throw new ModelException(s.where() + ": unsupported layer type '" + s.type()
                        + "'; expected one of convolutional, maxpool, route, reorg, region");
            };
            layers.add(layer);
            c = layer.outChannels();
            h = layer.outHeight();
            w = layer.outWidth();
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof DarknetLayer.Region)) {
            throw new ModelException(cfg.source() + ": expected a YOLOv2 network ending in a [region] layer, found "
                    + (layers.isEmpty() ? "no layers" : "[" + layers.get(layers.size() - 1).section().type()
                    + "] last"));
        }
        return new DarknetNetwork(cfg, width, height, channels, List.copyOf(layers));
    }

    public DarknetLayer.Region region() {
        return (DarknetLayer.Region) layers.get(layers.size() - 1);
    }

    /** Total down-sampling from input to the region grid. */
    public int stride() {
        DarknetLayer.Region r = region();
        if (width % r.outWidth() != 0 || height % r.outHeight() != 0 || width / r.outWidth() != height / r.outHeight()) {
            throw new ModelException(cfg.source() + ": expected the output grid to divide the input evenly, found input "
                    + width + "x" + height + " and grid " + r.outWidth() + "x" + r.outHeight());
        }
        return width / r.outWidth();
    }

    /** Floats the weights file must hold after its header. */
    public long weightCount() {
        long n = 0;
        for (DarknetLayer l : layers) {
            if (l instanceof DarknetLayer.Convolutional conv) {
                n += conv.weightCount();
            }
        }
        return n;
    }

    private static DarknetLayer convolutional(int index, CfgSection s, int c, int h, int w) {
        int filters = s.integer("filters", 1);
        int size = s.integer("size", 1);
        int stride = s.integer("stride", 1);
        int pad = s.integer("pad", 0);
        int padding = s.integer("padding", 0);
        if (pad != 0) {
            padding = size / 2;
        }
        for (String k : List.of("groups", "binary", "xnor", "dilation")) {
            s.requireDefault(k, k.equals("groups") || k.equals("dilation") ? "1" : "0");
        }
        s.requireDefault("flipped", "0");
        if (filters <= 0 || size <= 0 || stride <= 0 || padding < 0) {
            throw new ModelException(s.where() + ": expected filters, size, stride > 0 and padding >= 0, found filters="
                    + filters + " size=" + size + " stride=" + stride + " padding=" + padding);
        }
        String act = s.string("activation", "logistic").toLowerCase(Locale.ROOT);
        Activation activation = switch (act) {
            case "leaky" -> Activation.LEAKY;
            case "linear" -> Activation.LINEAR;
            default -> throw new ModelException(s.where("activation") + ": unsupported activation '" + act
                    + "'; expected leaky or linear");
        };
        int outH = (h + 2 * padding - size) / stride + 1;
        int outW = (w + 2 * padding - size) / stride + 1;
        checkPositive(s, outH, outW, h, w);
        return new DarknetLayer.Convolutional(index, s, c, filters, size, stride, padding,
                s.integer("batch_normalize", 0) != 0, activation, outH, outW);
    }

    private static DarknetLayer maxpool(int index, CfgSection s, int c, int h, int w) {
        int stride = s.integer("stride", 1);
        int size = s.integer("size", stride);
        int padding = s.integer("padding", size - 1);
        if (size <= 0 || stride <= 0 || padding < 0) {
            throw new ModelException(s.where() + ": expected size, stride > 0 and padding >= 0, found size=" + size
                    + " stride=" + stride + " padding=" + padding);
        }
        if (padding - padding / 2 >= size) {
            throw new ModelException(s.where("padding") + ": expected padding < 2*size (ONNX MaxPool needs each pad"
                    + " smaller than the kernel), found padding=" + padding + " size=" + size);
        }
        int outH = (h + padding - size) / stride + 1;
        int outW = (w + padding - size) / stride + 1;
        checkPositive(s, outH, outW, h, w);
        return new DarknetLayer.MaxPool(index, s, c, size, stride, padding, outH, outW);
    }

    private static DarknetLayer route(int index, CfgSection s, List<DarknetLayer> before) {
        int[] given = s.integers("layers");
        int[] abs = new int[given.length];
        int channels = 0;
        int outH = -1;
        int outW = -1;
        for (int i = 0; i < given.length; i++) {
            int l = given[i] < 0 ? index + given[i] : given[i];
            if (l < 0 || l >= index) {
                throw new ModelException(s.where("layers") + ": expected indices of earlier layers (0.." + (index - 1)
                        + " or -1..-" + index + "), found " + given[i]);
            }
            DarknetLayer src = before.get(l);
            if (outH >= 0 && (src.outHeight() != outH || src.outWidth() != outW)) {
                throw new ModelException(s.where("layers") + ": expected layers of equal height and width, found "
                        + outW + "x" + outH + " and " + src.outWidth() + "x" + src.outHeight() + " (layer " + l + ")");
            }
            abs[i] = l;
            channels += src.outChannels();
            outH = src.outHeight();
            outW = src.outWidth();
        }
        return new DarknetLayer.Route(index, s, abs, channels, outH, outW);
    }

    private static DarknetLayer reorg(int index, CfgSection s, int c, int h, int w) {
        int stride = s.integer("stride", 1);
        s.requireDefault("reverse", "0");
        s.requireDefault("flatten", "0");
        s.requireDefault("extra", "0");
        if (stride < 1 || h % stride != 0 || w % stride != 0 || c % (stride * stride) != 0) {
            throw new ModelException(s.where() + ": expected a stride that divides the input " + w + "x" + h
                    + " and whose square divides its " + c + " channels, found stride=" + stride);
        }
        return new DarknetLayer.Reorg(index, s, c, stride, h / stride, w / stride);
    }

    private static DarknetLayer region(int index, CfgSection s, int c, int h, int w) {
        int num = s.integer("num", 1);
        int coords = s.integer("coords", 4);
        int classes = s.integer("classes", 20);
        List<String> problems = new ArrayList<>();
        float[] anchors = s.has("anchors")
                ? io.yolostream.detector.model.ModelInfo.parseFloats(s.string("anchors", ""), "anchors", problems)
                : new float[2 * num];
        if (!s.has("anchors")) {
            java.util.Arrays.fill(anchors, 0.5f); // darknet's make_region_layer default
        }
        if (!problems.isEmpty()) {
            throw new ModelException(s.where("anchors") + ": " + String.join("; ", problems));
        }
        if (coords != 4) {
            throw new ModelException(s.where("coords") + ": expected coords=4, found " + coords);
        }
        s.requireDefault("background", "0");
        if (anchors.length != 2 * num) {
            throw new ModelException(s.where("anchors") + ": expected " + (2 * num) + " values (num=" + num
                    + "), found " + anchors.length);
        }
        int expected = num * (coords + 1 + classes);
        if (c != expected) {
            throw new ModelException(s.where() + ": expected the layer before [region] to have num*(coords+1+classes) = "
                    + num + "*(" + coords + "+1+" + classes + ") = " + expected + " channels, found " + c);
        }
        String tree = s.has("tree") ? s.string("tree", null) : null;
        return new DarknetLayer.Region(index, s, anchors, num, coords, classes, s.integer("softmax", 0) != 0, tree,
                c, h, w);
    }

    private static void checkPositive(CfgSection s, int outH, int outW, int h, int w) {
        if (outH <= 0 || outW <= 0) {
            throw new ModelException(s.where() + ": expected a positive output size, found " + outW + "x" + outH
                    + " from input " + w + "x" + h);
        }
    }
}
