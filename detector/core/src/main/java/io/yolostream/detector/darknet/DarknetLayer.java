package io.yolostream.detector.darknet;

/**
 * The darknet layers YOLOv2 and YOLO9000 use. Shapes are those at the cfg's nominal input size; the converted
 * model itself works at any multiple of the network stride.
 */
public sealed interface DarknetLayer {
    /** Layer index as darknet counts (the [net] section is not a layer). */
    int index();

    /** The cfg section, for error messages. */
    CfgSection section();

    int outChannels();

    int outHeight();

    int outWidth();

    enum Activation { LEAKY, LINEAR }

    record Convolutional(int index, CfgSection section, int inChannels, int filters, int size, int stride, int pad,
                         boolean batchNormalize, Activation activation, int outHeight, int outWidth)
            implements DarknetLayer {
        @Override
        public int outChannels() {
            return filters;
        }

        /** Floats this layer reads from a weights file. */
        public long weightCount() {
            return (long) filters * (batchNormalize ? 4 : 1) + (long) filters * inChannels * size * size;
        }
    }

    /** Darknet maxpool: {@code padding} is the total padding, the first {@code padding/2} before, the rest after. */
    record MaxPool(int index, CfgSection section, int channels, int size, int stride, int padding, int outHeight,
                   int outWidth) implements DarknetLayer {
        @Override
        public int outChannels() {
            return channels;
        }
    }

    /** Concatenates the outputs of earlier layers along channels, in the listed order. */
    record Route(int index, CfgSection section, int[] layers, int outChannels, int outHeight, int outWidth)
            implements DarknetLayer {
    }

    /** Darknet's reorg (space-to-depth with darknet's own channel order, not ONNX's). */
    record Reorg(int index, CfgSection section, int inChannels, int stride, int outHeight, int outWidth)
            implements DarknetLayer {
        @Override
        public int outChannels() {
            return inChannels * stride * stride;
        }
    }

    /** Darknet's region layer: decoded in Java, so the graph ends at its input. */
    record Region(int index, CfgSection section, float[] anchors, int num, int coords, int classes, boolean softmax,
                  String treeFile, int outChannels, int outHeight, int outWidth) implements DarknetLayer {
    }
}
