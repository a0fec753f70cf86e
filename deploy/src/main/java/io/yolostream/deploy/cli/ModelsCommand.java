package io.yolostream.deploy.cli;

import io.yolostream.detector.catalog.ModelCache;
import io.yolostream.detector.catalog.ModelCatalog;
import io.yolostream.detector.catalog.ModelFile;
import io.yolostream.detector.catalog.ModelSpec;
import io.yolostream.detector.catalog.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code yolostream models list|pull}: the official darknet models, downloaded, verified, converted and cached. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"The pretrained models (darknet's, and face-api's tiny face detector): list them, or pull one "
                + "(download, verify, convert to ONNX, cache). Any --model option also takes these names.",
                "Cache: $YOLOSTREAM_HOME/models, else ~/.cache/yolostream/models. Mirror: --base-url or "
                        + "YOLOSTREAM_MODELS_BASE_URL (a flat directory: BASE/<file name>)."},
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.PullCommand.class},
        footer = {"", "Examples:", "  yolostream models list", "  yolostream models pull yolov2-tiny-voc",
                "  yolostream models pull yolov2 --base-url http://mirror.local/darknet/"})
final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND (list or pull)");
    }

    /** Options shared by list and pull. */
    static final class Where {
        @Option(names = "--base-url", paramLabel = "URL",
                description = "Mirror to download from: every file at URL/<file name> "
                        + "(default: $YOLOSTREAM_MODELS_BASE_URL, else darknet's official locations).")
        String baseUrl;

        @Option(names = "--cache-dir", paramLabel = "DIR",
                description = "Model cache (default: $YOLOSTREAM_HOME/models, else ~/.cache/yolostream/models).")
        Path cacheDir;

        ModelStore store() {
            String base = baseUrl != null ? baseUrl : System.getenv("YOLOSTREAM_MODELS_BASE_URL");
            ModelCache cache = cacheDir != null ? new ModelCache(cacheDir) : ModelCache.fromEnvironment();
            return new ModelStore(ModelCatalog.standard().withBaseUrl(base), cache);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the known models and their files.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        Where where = new Where();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelStore store = where.store();
            ModelCatalog catalog = store.catalog();
            String fmt = "%-16s %-36s %-6s %-56s %s%n";
            out.printf(Locale.ROOT, fmt, "NAME", "DATASET (CLASSES)", "INPUT", "FILES", "CACHED");
            for (ModelSpec m : catalog.models()) {
                String files = m.files().stream().map(ModelFile::name).collect(Collectors.joining(", "));
                out.printf(Locale.ROOT, fmt, m.name(), m.dataset() + " (" + m.classes() + ")",
                        m.inputSize() + "", files, store.cache().isCached(m) ? "yes" : "no");
            }
            out.println();
            out.println("Cache: " + store.cache().dir());
            out.println("Download locations" + (catalog.baseUrl() != null ? " (mirror " + catalog.baseUrl() + ")" : "")
                    + ":");
            for (ModelSpec m : catalog.models()) {
                out.println("  " + m.name() + ":");
                for (ModelFile f : m.files()) {
                    out.println("    " + catalog.url(f));
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download a model into the cache (resuming a partial download), check the weights' size "
                    + "against the cfg, and convert it to ONNX once; a cached model is not downloaded again.",
                    "Prints the ONNX path on stdout."})
    static final class PullCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "Model name (see yolostream models list).")
        String name;

        @CommandLine.Mixin
        Where where = new Where();

        @Override
        public Integer call() {
            ModelStore store = where.store();
            ModelStore.Pulled pulled;
            try (DownloadBars bars = new DownloadBars(System.err)) {
                pulled = store.pull(name, bars);
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println(pulled.cacheHit() ? "model " + name + ": cached in " + pulled.dir()
                    : "model " + name + ": downloaded, verified and converted into " + pulled.dir());
            err.flush();
            PrintWriter out = spec.commandLine().getOut();
            out.println(pulled.onnx());
            out.flush();
            return 0;
        }
    }
}
