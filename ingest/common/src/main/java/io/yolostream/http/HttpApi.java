package io.yolostream.http;

import io.yolostream.config.ConfigException;
import io.yolostream.config.ConfigKey;
import io.yolostream.config.Echo;
import io.yolostream.config.UrlMasker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server of every service: one small HTTP/1.1 server (one request per connection) with the rules the
 * services share, so none of them can forget one.
 * <ul>
 *   <li><b>Bind.</b> Loopback unless told otherwise; another address with protected routes and no token is refused
 *   at start ({@link Binding}).</li>
 *   <li><b>Exact routes</b> ({@link Routes}): anything else is a 404, another method a 405 with {@code Allow}.</li>
 *   <li><b>DNS rebinding.</b> On loopback, only a {@code Host} that names loopback is answered (403).</li>
 *   <li><b>Cross-site writes.</b> A method other than GET with a foreign {@code Origin}, or a POST/PUT/PATCH whose
 *   body is not {@code application/json} (what a cross-site form can send), is a 403.</li>
 *   <li><b>Authentication</b> per route ({@link Access}): {@code Authorization: Bearer <token>}, and where
 *   {@link Builder#browserLogin() enabled} a login cookie set by a {@code ?token=} link or the login form.</li>
 *   <li><b>Bounds.</b> Request head 16 KiB, body 64 KiB (413 before reading it), 30 s to send a request, 10 s
 *   for a blocked write (a client that stopped reading is dropped), a fixed number of threads and queued
 *   connections (503 beyond).</li>
 *   <li><b>Answers</b> are JSON ({@code {"error": "..."}} with what was expected and what was found), also for
 *   malformed requests; credentials in URLs are masked, and echoed input is shortened ({@link Echo}).</li>
 * </ul>
 * Written on plain sockets rather than {@code com.sun.net.httpserver}, which answers malformed request targets
 * itself with an HTML page and gives no hold on a blocked write.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Largest request body (64 KiB). */
    public static final int MAX_BODY = 64 * 1024;
    /** How long a client has to send its request head, and its body. */
    static final long READ_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Longest wait for a single read (a silent client). */
    static final int READ_TIMEOUT_MS = 10_000;
    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** Connections waiting for a thread at most; more get 503 at once. */
    static final int QUEUE = 64;
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final String service;
    private final Routes routes;
    private final String token;
    private final ConfigKey<String> tokenKey;
    private final boolean browserLogin;
    private final boolean loopback;
    private final InetAddress address;
    private final ServerSocket server;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService watchdog;
    private final Set<Conn> open = ConcurrentHashMap.newKeySet();
    private final long writeTimeoutNanos;
    private final String cookieName;
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * A server for {@code service} (its config name: messages name its settings as {@code YOLOSTREAM_SERVICE_*}).
     *
     * @param hostKey the setting {@code host} comes from (named in messages)
     */
    public static Builder builder(String service, ConfigKey<String> hostKey, String host, int port) {
        return new Builder(service, hostKey, host, port);
    }

    /** Routes and settings; {@link #start()} binds and starts serving. */
    public static final class Builder {
        private final String service;
        private final ConfigKey<String> hostKey;
        private final String host;
        private final int port;
        private final Routes routes = new Routes();
        private ConfigKey<String> tokenKey;
        private String token;
        private boolean browserLogin;
        private int threads = 4;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;

        private Builder(String service, ConfigKey<String> hostKey, String host, int port) {
            this.service = service;
            this.hostKey = hostKey;
            this.host = host;
            this.port = port;
        }

        /** The token of the protected routes and its setting; null or empty = none (only on loopback). */
        public Builder token(ConfigKey<String> key, String value) {
            this.tokenKey = key;
            this.token = value == null || value.isEmpty() ? null : value;
            return this;
        }

        /**
         * Browsers may log in: a {@code ?token=} link or the login form (on {@link Access#PAGE} routes) sets an
         * HttpOnly, SameSite=Lax cookie that stands for the token on every protected GET (Lax: the link also works
         * when clicked on another site's page; no cross-site subresource or write request carries it).
         */
        public Builder browserLogin() {
            this.browserLogin = true;
            return this;
        }

        /** Requests served at once (each open stream holds one). */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads expected >= 1, found " + n);
            }
            this.threads = n;
            return this;
        }

        /** How long one write may stay blocked before the client is dropped. */
        public Builder writeTimeout(Duration d) {
            this.writeTimeout = d;
            return this;
        }

        /** A route anyone who reaches the port may call ({@code /metrics}, {@code /health}, static files). */
        public Builder open(String method, String pattern, Handler h) {
            routes.add(method, pattern, Access.OPEN, h);
            return this;
        }

        /** A route that needs the token (when the server has one). */
        public Builder route(String method, String pattern, Handler h) {
            routes.add(method, pattern, Access.TOKEN, h);
            return this;
        }

        /** A page for browsers: needs the token; without it a browser gets the login page. */
        public Builder page(String method, String pattern, Handler h) {
            routes.add(method, pattern, Access.PAGE, h);
            return this;
        }

        /** Binds and serves; refuses (ConfigException) an address other than loopback without a token. */
        public HttpApi start() {
            if (routes.anyProtected() && tokenKey == null) {
                throw new IllegalStateException(service + " HTTP: protected routes need a token setting");
            }
            String problem = Binding.problem(service, hostKey, host, routes.anyProtected() ? tokenKey : null, token);
            if (problem != null) {
                throw new ConfigException(service + " HTTP: " + problem);
            }
            return new HttpApi(this);
        }
    }

    private HttpApi(Builder b) {
        this.service = b.service;
        this.routes = b.routes;
        this.token = b.token;
        this.tokenKey = b.tokenKey;
        this.browserLogin = b.browserLogin;
        this.writeTimeoutNanos = b.writeTimeout.toNanos();
        try {
            address = Binding.resolve(b.host);
        } catch (UnknownHostException e) {
            throw new ConfigException(service + " HTTP: " + b.hostKey.name() + " '" + b.host + "': expected an address "
                    + "of this machine, found an unknown host");
        }
        loopback = address.isLoopbackAddress();
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(address, b.port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(service + " HTTP on " + b.host + ":" + b.port + ": expected a free port, "
                    + "found: " + e.getMessage(), e);
        }
        cookieName = "yolostream-" + service + "-" + server.getLocalPort();
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(b.threads, b.threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> daemon(r, service + "-http-" + n.incrementAndGet()));
        workers.allowCoreThreadTimeOut(true);
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, service + "-http-watchdog"));
        watchdog.scheduleWithFixedDelay(this::dropStalled, 500, 500, TimeUnit.MILLISECONDS);
        acceptor = daemon(this::acceptLoop, service + "-http-accept");
        acceptor.start();
        LOG.info("{} HTTP on {}:{}{}", service, address.getHostAddress(), port(), !routes.anyProtected() ? ""
                : token != null ? " (token required" + (routes.openPatterns().isEmpty() ? ")"
                : ", except on " + openRoutes() + ")")
                : " (no " + tokenKey.name() + ": open to local clients only)");
    }

    private String openRoutes() {
        return String.join(", ", routes.openPatterns());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The port listened on (the chosen one for port 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** Requests being served now (open streams included). */
    public int active() {
        return workers.getActiveCount();
    }

    /** One accepted connection: its socket, its timed output and, while a request is read, the deadline. */
    static final class Conn {
        final Socket socket;
        final TimedOutput out;
        private volatile long readDeadline;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new TimedOutput(new BufferedOutputStream(socket.getOutputStream(), 8192));
        }

        /** The client has {@code nanos} from now to send what is read next; 0 = no deadline. */
        void readingFor(long nanos) {
            readDeadline = nanos == 0 ? 0 : System.nanoTime() + nanos;
        }

        boolean overdue(long now, long writeTimeoutNanos) {
            long d = readDeadline;
            return d != 0 && now - d > 0 || out.blockedNanos(now) > writeTimeoutNanos;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{} HTTP: accept failed: {}", service, e.toString());
                }
                continue;
            }
            Conn c;
            try {
                s.setSoTimeout(READ_TIMEOUT_MS);
                s.setTcpNoDelay(true);
                c = new Conn(s);
            } catch (IOException e) {
                closeQuietly(s);
                continue;
            }
            try {
                workers.execute(() -> serve(c));
            } catch (RejectedExecutionException e) {
                busy(c);
            }
        }
    }

    /** Every thread busy and the queue full: a 503 at once (a small answer, written without waiting). */
    private void busy(Conn c) {
        try {
            new Call(null, Map.of(), InputStream.nullInputStream(), c.out, MAX_BODY, c).error(503, service + " HTTP: "
                    + "expected a free thread, found all " + workers.getMaximumPoolSize() + " busy and " + QUEUE
                    + " connections waiting; try again");
        } catch (IOException | RuntimeException ignored) {
            // the client went away
        } finally {
            c.close();
        }
    }

    private void dropStalled() {
        long now = System.nanoTime();
        for (Conn c : open) {
            if (c.overdue(now, writeTimeoutNanos)) {
                LOG.debug("{} HTTP: dropping a client that stopped sending or reading", service);
                c.close();
            }
        }
    }

    private void serve(Conn c) {
        c.readingFor(READ_DEADLINE_NANOS);
        open.add(c);
        try {
            InputStream in = new BufferedInputStream(c.socket.getInputStream(), 8192);
            RequestHead head;
            try {
                head = RequestHead.read(in);
            } catch (HttpError e) {
                answer(c, in, null, e);
                return;
            } catch (SocketTimeoutException e) {
                answer(c, in, null, new HttpError(408, "request: expected it within " + READ_TIMEOUT_MS / 1000
                        + " s of silence, found none"));
                return;
            }
            if (head == null) {
                return;
            }
            c.readingFor(0);
            dispatch(c, in, head);
            lingeringClose(c, in);
        } catch (IOException e) {
            // the client went away, or was dropped by the watchdog
        } finally {
            open.remove(c);
            c.close();
        }
    }

    private void answer(Conn c, InputStream in, RequestHead head, HttpError e) throws IOException {
        new Call(head, Map.of(), in, c.out, MAX_BODY, c).error(e.status(), e.getMessage(), e.headers());
        lingeringClose(c, in);
    }

    /**
     * Sends FIN, then reads (and drops) what the client may still be sending for a moment, so that its unread
     * request body does not turn the close into a reset that would lose the answer.
     */
    private static void lingeringClose(Conn c, InputStream in) {
        try {
            c.out.flush();
            c.socket.shutdownOutput();
            c.socket.setSoTimeout(1000);
            byte[] buf = new byte[8192];
            long left = 4L * MAX_BODY;
            int r;
            while (left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
                left -= r;
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }

    private void dispatch(Conn c, InputStream in, RequestHead head) throws IOException {
        Call call = null;
        try {
            checkHost(head);
            Routes.Match m = routes.match(head.method(), head.rawPath());
            call = new Call(head, m.params(), in, c.out, MAX_BODY, c);
            boolean write = !head.method().equals("GET") && !head.method().equals("HEAD");
            if (write) {
                checkOrigin(head);
            }
            if (!authorized(m.route(), head, call)) {
                return;
            }
            if (BODY_METHODS.contains(head.method())) {
                checkContentType(head);
            }
            if (head.contentLength() > MAX_BODY) {
                throw BodyReader.tooLarge(head.contentLength() + " bytes", MAX_BODY);
            }
            m.route().handler().handle(call);
            if (!call.responded()) {
                throw new IllegalStateException("the handler of " + m.route().pattern() + " gave no answer");
            }
        } catch (HttpError e) {
            if (call == null) {
                call = new Call(head, Map.of(), in, c.out, MAX_BODY, c);
            }
            if (!call.responded()) {
                call.error(e.status(), e.getMessage(), e.headers());
            }
        } catch (RuntimeException e) {
            LOG.warn("{} HTTP {} {}: {}", service, head.method(), Echo.of(head.rawPath()),
                    UrlMasker.maskAll(String.valueOf(e)));
            if (call == null) {
                call = new Call(head, Map.of(), in, c.out, MAX_BODY, c);
            }
            if (!call.responded()) {
                call.error(500, "internal error: " + e.getClass().getSimpleName() + " (see the " + service + " log)");
            }
        }
    }

    /** On loopback, a Host header naming anything else is a DNS rebinding attempt (a foreign site's name). */
    private void checkHost(RequestHead head) {
        String host = head.header("host");
        if (!loopback || host == null || namesLoopback(host)) {
            return;
        }
        throw new HttpError(403, "Host '" + Echo.of(host) + "': expected a loopback name (localhost, 127.0.0.1, "
                + "[::1]) since this server listens on " + address.getHostAddress() + "; another name is refused "
                + "(DNS rebinding)");
    }

    static boolean namesLoopback(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        String name;
        String port;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = h.substring(1, end);
            port = h.substring(end + 1);
            if (!name.matches("[0-9a-f:]+")) {
                return false;
            }
        } else {
            int colon = h.indexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            port = colon < 0 ? "" : h.substring(colon);
        }
        if (!port.isEmpty() && !port.matches(":\\d{1,5}")) {
            return false;
        }
        if (name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return true;
        }
        if (name.matches("[0-9a-f:]+") && name.contains(":")) {
            try {
                return InetAddress.getByName(name).isLoopbackAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** A write from a page of another origin (CSRF): browsers send Origin with every cross-origin write. */
    private static void checkOrigin(RequestHead head) {
        String origin = head.header("origin");
        if (origin == null) {
            return;
        }
        String host = head.header("host");
        if (host != null && (origin.equalsIgnoreCase("http://" + host) || origin.equalsIgnoreCase("https://" + host))) {
            return;
        }
        throw new HttpError(403, "Origin '" + Echo.of(origin) + "': expected this server's own origin (http://"
                + Echo.of(host) + ") or none; a write from a page of another site is refused (cross-site request)");
    }

    /** Writes take JSON only: the body types a cross-site form can send without asking are all something else. */
    private static void checkContentType(RequestHead head) {
        if ("application/json".equals(head.mediaType())) {
            return;
        }
        throw new HttpError(403, "Content-Type '" + Echo.of(head.header("content-type")) + "': expected "
                + "application/json; a write takes JSON only, which a page of another site cannot send without the "
                + "browser asking this server first (cross-site request)");
    }

    /** True to go on; false when the answer is given (the login page, or the redirect of a ?token= link). */
    private boolean authorized(Routes.Route route, RequestHead head, Call call) throws IOException {
        if (route.access() == Access.OPEN || token == null) {
            return true;
        }
        String auth = head.header("authorization");
        if (auth != null) {
            boolean bearer = auth.regionMatches(true, 0, "Bearer ", 0, 7);
            if (bearer && Tokens.matches(token, auth.substring(7).strip())) {
                return true;
            }
            throw unauthorized("Authorization: expected 'Bearer <" + tokenKey.name() + ">', found "
                    + (bearer ? "a wrong token" : "another scheme"));
        }
        if (browserLogin) {
            if (cookieMatches(head)) {
                return true;
            }
            String given = head.method().equals("GET") && head.rawQuery() != null ? call.query().get("token") : null;
            if (given != null && Tokens.matches(token, given)) {
                // the link's token becomes the cookie; the redirect takes it out of the address bar and history
                call.redirect(303, withoutToken(head), Map.of("Set-Cookie", cookieName + "="
                        + Tokens.cookieValue(token) + "; Path=/; HttpOnly; SameSite=Lax"));
                return false;
            }
            if (route.access() == Access.PAGE) {
                loginPage(call, given != null ? "That token does not match. Try again." : "");
                return false;
            }
            if (given != null) {
                throw unauthorized("token: expected the " + tokenKey.name() + ", found a wrong token");
            }
        }
        throw unauthorized("expected 'Authorization: Bearer <" + tokenKey.name() + ">'" + (browserLogin
                ? ", the login cookie or a ?token= link" : "") + ", found none");
    }

    private HttpError unauthorized(String message) {
        return new HttpError(401, message, Map.of("WWW-Authenticate", "Bearer realm=\"yolostream-" + service + "\""));
    }

    private boolean cookieMatches(RequestHead head) {
        String expected = Tokens.cookieValue(token);
        for (String header : head.headerValues("cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(cookieName)
                        && Tokens.matches(expected, pair.substring(eq + 1).strip())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The request's path and query without the token parameter. */
    private static String withoutToken(RequestHead head) {
        List<String> kept = new ArrayList<>();
        for (String part : head.rawQuery().split("&")) {
            if (!part.isEmpty() && !part.equals("token") && !part.startsWith("token=")) {
                kept.add(part);
            }
        }
        return head.rawPath() + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    private void loginPage(Call call, String message) throws IOException {
        String page;
        try (InputStream in = HttpApi.class.getResourceAsStream("login.html")) {
            if (in == null) {
                throw new IllegalStateException("login.html missing from the yolostream-common jar");
            }
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        page = page.replace("{{service}}", html(service)).replace("{{message}}", html(message))
                .replace("{{setting}}", html(tokenKey.name()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("WWW-Authenticate", "Bearer realm=\"yolostream-" + service + "\"");
        headers.put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                + "frame-ancestors 'none'");
        call.send(401, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(Conn::close);
        workers.shutdownNow();
        watchdog.shutdownNow();
        try {
            acceptor.join(2000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
