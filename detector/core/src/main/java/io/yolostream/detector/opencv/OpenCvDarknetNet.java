package io.yolostream.detector.opencv;

import io.yolostream.detector.darknet.DarknetCfg;
import io.yolostream.detector.darknet.DarknetLayer;
import io.yolostream.detector.darknet.DarknetNetwork;
import io.yolostream.detector.model.ModelException;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_BACKEND_OPENCV;
import static org.bytedeco.opencv.global.opencv_dnn.DNN_TARGET_CPU;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromDarknet;

/**
 * A darknet network run by OpenCV's DNN module (backend OpenCV, target CPU), read straight from the darknet
 * {@code .cfg} and {@code .weights}: the independent peer implementation that {@code bench --vs-opencv} and the
 * tests compare our own pipeline against.
 *
 * <p>It returns the raw output of the last convolutional block (after its batch norm and activation, i.e.
 * darknet's {@code l.output} of that layer), before any region decoding. A trailing {@code [region]} section is
 * dropped from the cfg before OpenCV sees it: even {@code forward(layer)} sets up every layer, and OpenCV's Region
 * layer asserts on its own shapes and does not implement YOLO9000's softmax tree ({@code tree=}); we decode the
 * region output ourselves anyway.
 *
 * <p>OpenCV's importer names layers by darknet layer index: {@code conv_N}, {@code bn_N}, then the activation with
 * the NEXT index ({@code leaky_N+1}); {@code pool_N}, ... So the output layer is {@code conv_N} for a linear conv
 * (YOLOv2's last layer) and {@code leaky_N+1} for a conv with a leaky activation.
 *
 * <p>A {@code cv::dnn::Net} is not thread-safe: {@link #forwardLastConv} is synchronized. Close to free the net.
 */
public final class OpenCvDarknetNet implements AutoCloseable {
    private final Net net;
    private final String outputLayer;
    private final int lastConvChannels;
    private final List<String> layerNames;

    private OpenCvDarknetNet(Net net, String outputLayer, int lastConvChannels, List<String> layerNames) {
        this.net = net;
        this.outputLayer = outputLayer;
        this.lastConvChannels = lastConvChannels;
        this.layerNames = layerNames;
    }

    /** Loads the network; errors name the cfg / weights file and say what was wrong. */
    public static OpenCvDarknetNet load(Path cfgFile, Path weightsFile) {
        DarknetNetwork network = DarknetNetwork.of(DarknetCfg.read(cfgFile));
        List<DarknetLayer> layers = network.layers();
        DarknetLayer beforeRegion = layers.get(layers.size() - 2);
        if (!(beforeRegion instanceof DarknetLayer.Convolutional)) {
            throw new ModelException("darknet cfg " + cfgFile + ": expected the last layer (before [region]) to be"
                    + " [convolutional], found [" + beforeRegion.section().type() + "]");
        }
        int channels = beforeRegion.outChannels();
        // OpenCV refuses YOLO9000's [region] ("not implemented"), and we want the raw convolution anyway
        String[] lines = network.cfg().text().split("\r?\n", -1);
        String withoutRegion = String.join("\n",
                java.util.Arrays.copyOf(lines, network.region().section().line() - 1));
        byte[] weights = readAll(weightsFile, "darknet weights");

        Net net = null;
        try (PointerScope scope = new PointerScope()) {
            net = readNetFromDarknet(withoutRegion.getBytes(StandardCharsets.UTF_8), weights);
            // The net outlives this scope: take our own reference (released by close()), then leave the scope.
            net.retainReference();
            scope.detach(net);
            if (net.empty()) {
                throw new ModelException("darknet cfg " + cfgFile + " with weights " + weightsFile
                        + ": expected a network, found an empty one from OpenCV");
            }
            net.setPreferableBackend(DNN_BACKEND_OPENCV);
            net.setPreferableTarget(DNN_TARGET_CPU);
            List<String> names = strings(net.getLayerNames());
            checkWeightsSize(net, names, weights, weightsFile);
            List<String> outputs = strings(net.getUnconnectedOutLayersNames());
            if (outputs.size() != 1) {
                throw new ModelException("darknet cfg " + cfgFile + ": expected one output layer, found " + outputs);
            }
            return new OpenCvDarknetNet(net, outputs.get(0), channels, List.copyOf(names));
        } catch (RuntimeException e) {
            if (net != null) {
                net.close();
            }
            if (e instanceof ModelException) {
                throw e;
            }
            throw new ModelException("darknet cfg " + cfgFile + " with weights " + weightsFile
                    + ": expected a network OpenCV can read, found an error: " + firstLine(e), e);
        }
    }

    /**
     * Runs the net on {@code batch} letterboxed images (NCHW, RGB, 0..1) read from {@code chwInput} starting at its
     * position (the buffer's position is not changed), and returns the last conv block's output, NCHW:
     * {@code batch * lastConvChannels() * (height/stride) * (width/stride)} floats.
     */
    @SuppressWarnings("try") // the PointerScope is only there to free what the body allocates
    public synchronized float[] forwardLastConv(FloatBuffer chwInput, int batch, int height, int width) {
        if (batch <= 0 || height <= 0 || width <= 0) {
            throw new ModelException("OpenCV input shape: expected positive batch, height and width, found "
                    + batch + "x3x" + height + "x" + width);
        }
        long count = 3L * batch * height * width;
        if (count > chwInput.remaining()) {
            throw new ModelException("OpenCV input: expected " + batch + "x3x" + height + "x" + width + " = " + count
                    + " floats, found " + chwInput.remaining() + " remaining in the buffer");
        }
        try (PointerScope scope = new PointerScope()) {
            Mat blob = new Mat(new int[] {batch, 3, height, width}, CV_32F);
            FloatBuffer blobData = new FloatPointer(blob.data()).capacity(count).asBuffer();
            blobData.put(chwInput.duplicate().limit(chwInput.position() + (int) count));
            net.setInput(blob);
            Mat out = net.forward(outputLayer);
            if (out.type() != CV_32F || !out.isContinuous()) {
                throw new ModelException("OpenCV output of " + outputLayer + ": expected continuous float32, found"
                        + " Mat type " + out.type() + (out.isContinuous() ? "" : " (not continuous)"));
            }
            float[] result = new float[Math.toIntExact(out.total())];
            new FloatPointer(out.data()).get(result);
            return result;
        } catch (RuntimeException e) {
            if (e instanceof ModelException) {
                throw e;
            }
            throw new ModelException("OpenCV forward of " + batch + "x3x" + height + "x" + width + " to layer "
                    + outputLayer + ": expected an output, found an error: " + firstLine(e), e);
        }
    }

    /** Output channels of the last conv block ({@code filters=} of the last [convolutional]). */
    public int lastConvChannels() {
        return lastConvChannels;
    }

    /** OpenCV's name of the layer {@link #forwardLastConv} reads, e.g. {@code conv_30}. */
    public String outputLayerName() {
        return outputLayer;
    }

    /** All layer names, in network order, as OpenCV's importer made them (for diagnostics). */
    public List<String> layerNames() {
        return layerNames;
    }

    @Override
    public synchronized void close() {
        net.close();
    }

    private static byte[] readAll(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(what + " " + file + ": expected a readable file, found "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * OpenCV reads a too-short weights file without complaint (leaving weights uninitialised), so compare the floats
     * after the header with what the loaded layers hold: conv weights and biases, batch norm scale/mean/var/bias.
     */
    private static void checkWeightsSize(Net net, List<String> names, byte[] weights, Path weightsFile) {
        long expected = 0;
        for (String name : names) {
            MatVector blobs = net.getLayer(name).blobs();
            for (long i = 0; i < blobs.size(); i++) {
                expected += blobs.get(i).total();
            }
        }
        if (weights.length < 12) {
            throw new ModelException("darknet weights " + weightsFile + ": expected a header of 3 int32 (major, minor,"
                    + " revision) and a seen counter, found " + weights.length + " bytes");
        }
        ByteBuffer header = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN);
        int major = header.getInt(0);
        int minor = header.getInt(4);
        // Darknet: the "seen" counter after the version is an int64 from format 0.2 on, an int32 before.
        int headerBytes = 12 + ((major * 10 + minor >= 2 && major < 1000 && minor < 1000) ? 8 : 4);
        long found = Math.max(0, weights.length - headerBytes) / 4;
        if (found < expected) {
            throw new ModelException("darknet weights " + weightsFile + ": expected " + expected + " floats after the "
                    + headerBytes + "-byte header (what the cfg's layers need), found " + found);
        }
    }

    /** JavaCPP hands std::string back with its NUL terminator; strip it. */
    private static List<String> strings(StringVector vector) {
        List<String> out = new ArrayList<>();
        for (long i = 0; i < vector.size(); i++) {
            String s = vector.get(i).getString();
            int nul = s.indexOf('\0');
            out.add(nul >= 0 ? s.substring(0, nul) : s);
        }
        return out;
    }

    private static String firstLine(RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        // OpenCV messages look like "OpenCV(4.13.0) /path/file.cpp:210: error: (-212:Parsing error) ...".
        int error = m.indexOf("error: ");
        String tail = error >= 0 ? m.substring(error + "error: ".length()) : m;
        return tail.lines().findFirst().orElse(tail);
    }
}
