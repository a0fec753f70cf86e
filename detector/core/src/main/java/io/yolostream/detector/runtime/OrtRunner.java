package io.yolostream.detector.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import io.yolostream.detector.model.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.Map;

/**
 * Owns one ONNX Runtime session for a YOLOv2 graph ({@code images [N,3,H,W]} → one output
 * {@code [N,C,H/s,W/s]}) and runs batches at any size. Output buffers are direct and reused per input shape;
 * every {@link OnnxTensor} and {@link OrtSession.Result} is closed before {@link #run} returns.
 */
public final class OrtRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRunner.class);
    private static final int MAX_CACHED_SHAPES = 16;
    private static final long MAX_CACHED_OUTPUT_BYTES = 256L << 20;

    private final String source;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final long outputChannels;
    private final String provider;
    private final OutputBuffers outputs = new OutputBuffers(MAX_CACHED_SHAPES, MAX_CACHED_OUTPUT_BYTES);
    private boolean closed;

    /**
     * @param model   the ONNX bytes (from a file or converted in memory)
     * @param source  names the model in logs and errors
     * @param threads intra-op threads for the CPU provider, 0 = one per core
     */
    public OrtRunner(byte[] model, String source, Device device, int threads) {
        this(model, source, device, threads, true);
    }

    /**
     * @param spinning whether idle intra-op threads busy-wait for the next parallel section (ONNX Runtime's
     *                 default, lowest latency when inference has the cores to itself) or sleep, which leaves the
     *                 cores to other work between and after runs (JPEG decoding in a pipeline)
     */
    public OrtRunner(byte[] model, String source, Device device, int threads, boolean spinning) {
        this.source = source;
        this.env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = null;
        OrtSession s = null;
        String chosen;
        try {
            if (device.kind() != Device.Kind.CPU) {
                String why;
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    why = "this ONNX Runtime build has no CUDA provider (the CPU-only onnxruntime jar?)";
                } else {
                    try {
                        opts = baseOptions(threads, spinning);
                        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device.cudaDevice());
                        // EXHAUSTIVE search stalls every new input shape for hundreds of ms; sizes change per batch.
                        cuda.add("cudnn_conv_algo_search", "HEURISTIC");
                        opts.addCUDA(cuda);
                        s = env.createSession(model, opts);
                        why = null;
                    } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                        // ORT's message is a multi-line dump; its first line says what is missing
                        String m = String.valueOf(e.getMessage()).strip();
                        why = m.contains("with error: ") ? m.substring(m.indexOf("with error: ") + 12) : m;
                        why = why.lines().findFirst().orElse(why);
                        if (opts != null) {
                            opts.close();
                            opts = null;
                        }
                    }
                }
                if (s == null) {
                    if (device.kind() == Device.Kind.CUDA) {
                        throw new ModelException("model " + source + ": expected to run on " + device
                                + ", found CUDA unusable: " + why);
                    }
                    LOG.info("CUDA unavailable ({}); running on CPU", why);
                }
            }
            if (s == null) {
                opts = baseOptions(threads, spinning);
                s = env.createSession(model, opts);
                chosen = "CPU";
            } else {
                chosen = "CUDA:" + device.cudaDevice();
            }
            this.options = opts;
            this.session = s;
            this.provider = chosen;
            Iterator<Map.Entry<String, NodeInfo>> in = session.getInputInfo().entrySet().iterator();
            Map<String, NodeInfo> outInfo = session.getOutputInfo();
            if (session.getInputInfo().size() != 1 || outInfo.size() != 1) {
                throw new ModelException("model " + source + ": expected one input and one output (a YOLOv2 graph),"
                        + " found " + session.getInputInfo().size() + " inputs and " + outInfo.size() + " outputs");
            }
            inputName = in.next().getKey();
            Map.Entry<String, NodeInfo> out = outInfo.entrySet().iterator().next();
            outputName = out.getKey();
            long[] shape = ((TensorInfo) out.getValue().getInfo()).getShape();
            if (shape.length != 4 || shape[1] <= 0) {
                throw new ModelException("model " + source + ": expected output [N, C, H, W] with a fixed C, found "
                        + java.util.Arrays.toString(shape));
            }
            outputChannels = shape[1];
            LOG.info("model {} runs on {}", source, provider);
        } catch (OrtException e) {
            if (s != null) {
                closeQuietly(s);
            }
            if (opts != null) {
                opts.close();
            }
            throw new ModelException("model " + source + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (s != null) {
                closeQuietly(s);
            }
            if (opts != null) {
                opts.close();
            }
            throw e;
        }
    }

    private static OrtSession.SessionOptions baseOptions(int threads, boolean spinning) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (!spinning) {
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            o.addConfigEntry("session.inter_op.allow_spinning", "0");
        }
        if (threads > 0) {
            o.setIntraOpNumThreads(threads);
        }
        return o;
    }

    /** "CPU" or "CUDA:N". */
    public String provider() {
        return provider;
    }

    public long outputChannels() {
        return outputChannels;
    }

    public Map<String, String> metadata() {
        checkOpen();
        try {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new ModelException("model " + source + ": cannot read its metadata: " + e.getMessage(), e);
        }
    }

    /** A direct, native-order buffer of {@code floats} floats, the input form ONNX Runtime reads without copying. */
    public static FloatBuffer allocateInput(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Runs {@code batch} images of {@code height x width} held CHW in {@code input} (direct, from
     * {@link #allocateInput}) and returns the raw output, {@code [batch, C, height/stride, width/stride]}, in a
     * buffer owned by this runner and valid until the next run of the same shape.
     */
    public synchronized FloatBuffer run(FloatBuffer input, int batch, int height, int width, int stride) {
        checkOpen();
        long floats = (long) batch * 3 * height * width;
        if (input.capacity() < floats || !input.isDirect()) {
            throw new ModelException("model " + source + " input: expected a direct buffer of at least " + floats
                    + " floats for " + batch + "x3x" + height + "x" + width + ", found " + input.capacity()
                    + (input.isDirect() ? "" : " (heap buffer)"));
        }
        int gh = height / stride;
        int gw = width / stride;
        FloatBuffer out = outputs.get(batch, height, width, Math.toIntExact(batch * outputChannels * gh * gw));
        FloatBuffer in = input.duplicate().position(0).limit(Math.toIntExact(floats)).slice();
        try (OnnxTensor inT = OnnxTensor.createTensor(env, in, new long[]{batch, 3, height, width});
             OnnxTensor outT = OnnxTensor.createTensor(env, out.duplicate().clear(),
                     new long[]{batch, outputChannels, gh, gw});
             OrtSession.Result ignored = session.run(Map.of(inputName, inT), Map.of(outputName, outT))) {
            return out.duplicate().clear();
        } catch (OrtException e) {
            throw new ModelException("model " + source + ": inference failed at batch " + batch + ", " + width + "x"
                    + height + ": " + e.getMessage(), e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ModelException("model " + source + ": expected an open runner, found it closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        outputs.clear();
        closeQuietly(session);
        if (options != null) {
            options.close();
        }
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            LOG.warn("closing ONNX Runtime session failed", e);
        }
    }
}
