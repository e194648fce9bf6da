package io.github.lstmc.samples.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Opens the page ({@code target/web/index.html}, with TeaVM's WasmGC build of {@link WebMain}) in a real
 * headless Chromium and checks that every output the model computed there equals, bit for bit, what
 * {@link SampleRun#outputs()} computes here on the JVM from the same class files.
 *
 * <p>The test serves the page on 127.0.0.1 (an ephemeral port), and the page posts its result back
 * ({@code index.html?report}). Every wait is bounded. Without Chromium the test fails and says how to
 * install it; {@code -Dlstmc.wasm.skip=true} skips it on a developer's machine without one.
 */
class WasmPageTest {
    /** The longest the page may take to load, compile the module and report (it takes about a second). */
    private static final long REPORT_TIMEOUT_SECONDS = 90;
    private static final String[] BROWSERS = {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"};

    @Test
    void wasmOutputsEqualTheJvmsBitForBit() throws Exception {
        Page page = open("index.html", "teavm/classes.wasm");
        int[] jvmOutput = bitsOf(SampleRun.outputs());
        int equal = countEqual(jvmOutput, page.output);
        System.out.printf(Locale.ROOT, "WasmGC (TeaVM) in %s: %d of %d outputs bit-identical to the JVM's "
                + "(page served, loaded, run and reported in %d ms)%n", page.browser, equal, jvmOutput.length, page.millis);
        assertEquals(jvmOutput.length, equal, "outputs of WebAssembly that differ from the JVM's: "
                + differences(jvmOutput, page.output));

        // Only with -Pjavascript: TeaVM's JavaScript back end computes floats in double precision, so its
        // outputs are not the JVM's. Reported, not asserted (the README says why).
        if (Files.isRegularFile(webDirectory().resolve("js/classes.js"))) {
            Page js = open("js.html", "js/classes.js");
            System.out.printf(Locale.ROOT, "JavaScript (TeaVM) in %s, not bit-exact by design: %s%n", js.browser,
                    countEqual(jvmOutput, js.output) == jvmOutput.length ? "all " + jvmOutput.length + " equal"
                            : differences(jvmOutput, js.output));
        }
    }

    /** What a page computed. */
    private static final class Page {
        Path browser;
        int[] output;
        long millis;
    }

    /** Opens {@code name} in Chromium, checks that its input is the JVM's, and returns its output bits. */
    private static Page open(String name, String built) throws Exception {
        assumeFalse(Boolean.getBoolean("lstmc.wasm.skip"),
                "lstmc.wasm.skip=true: the web page was built but not run in a browser");
        Path web = webDirectory();
        assertTrue(Files.isRegularFile(web.resolve(built)),
                "no " + web.resolve(built) + ": TeaVM did not run (it runs in process-classes)");
        Page page = new Page();
        page.browser = findBrowser();

        long started = System.nanoTime();
        String report = runPage(page.browser, web, name);
        page.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (report.startsWith("error:")) {
            fail(name + " failed in Chromium: " + report.substring(6));
        }
        String[] parts = report.split(";", -1);
        assertTrue(parts.length == 2 && parts[0].startsWith("input:") && parts[1].startsWith("output:"),
                "malformed report: " + abbreviate(report));
        int[] input = parseBits(parts[0].substring("input:".length()));
        page.output = parseBits(parts[1].substring("output:".length()));
        int[] jvmInput = bitsOf(SampleRun.input());
        assertTrue(Arrays.equals(jvmInput, input), "the page's input is not the JVM's: " + differences(jvmInput, input));
        assertEquals(SampleRun.outputs().length, page.output.length, "number of outputs");
        return page;
    }

    private static Path webDirectory() {
        return Paths.get(System.getProperty("lstmc.wasm.web", "target/web")).toAbsolutePath();
    }

    private static int countEqual(int[] expected, int[] actual) {
        int equal = 0;
        for (int i = 0; i < expected.length; i++) {
            equal += expected[i] == actual[i] ? 1 : 0;
        }
        return equal;
    }

    /** Serves {@code web}, opens it in headless Chromium and returns what the page posted. */
    private static String runPage(Path browser, Path web, String name) throws IOException, InterruptedException {
        CompletableFuture<String> posted = new CompletableFuture<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> serve(exchange, web, posted));
        server.start();
        Path profile = Files.createTempDirectory("lstmc-chromium-");
        Path log = Paths.get("target", "chromium-" + name.replace(".html", "") + ".log").toAbsolutePath();
        Process process = null;
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "?report";
            List<String> command = new ArrayList<>(Arrays.asList(browser.toString(),
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-extensions", "--disable-dev-shm-usage", "--no-default-browser-check",
                    "--user-data-dir=" + profile, url));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REPORT_TIMEOUT_SECONDS);
            while (true) {
                try {
                    return posted.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!process.isAlive()) {
                        fail("Chromium (" + browser + ") exited with status " + process.exitValue()
                                + " before the page reported; its output (" + log + "):\n" + tail(log));
                    }
                    if (System.nanoTime() > deadline) {
                        fail("the page did not report within " + REPORT_TIMEOUT_SECONDS + " s; Chromium's output ("
                                + log + "):\n" + tail(log));
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (process != null) {
                stop(process);
            }
            server.stop(0);
            deleteTree(profile);
        }
    }

    private static void serve(HttpExchange exchange, Path web, CompletableFuture<String> posted) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if ("POST".equals(exchange.getRequestMethod()) && "/report".equals(path)) {
                posted.complete(new String(readAll(exchange.getRequestBody()), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            Path file = web.resolve(path.substring(1)).normalize();
            if (!"GET".equals(exchange.getRequestMethod()) || !file.startsWith(web) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", contentType(file.getFileName().toString()));
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".wasm")) {
            return "application/wasm";   // needed by WebAssembly.instantiateStreaming
        }
        return "application/octet-stream";
    }

    /** The browser: {@code -Dlstmc.chromium=PATH}, else the first of {@link #BROWSERS} on the PATH. */
    private static Path findBrowser() {
        String configured = System.getProperty("lstmc.chromium", "").trim();
        if (!configured.isEmpty()) {
            Path path = Paths.get(configured);
            assertTrue(Files.isExecutable(path), "-Dlstmc.chromium=" + configured + " is not an executable file");
            return path;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : BROWSERS) {
                Path candidate = Paths.get(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        fail("Chromium was not found: the WebAssembly sample is tested in a headless browser and none of "
                + String.join(", ", BROWSERS) + " is on the PATH. Install it with "
                + "'bash samples/wasm-forecast/install-chromium.sh' (Debian's chromium package), point to one with "
                + "-Dlstmc.chromium=/path/to/chromium, or skip this test with -Dlstmc.wasm.skip=true.");
        return null;
    }

    /** Ends Chromium and all its child processes (renderer, GPU, zygote), waiting a bounded time. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
    }

    private static int[] parseBits(String hex) {
        if (hex.isEmpty()) {
            return new int[0];
        }
        String[] items = hex.split(",", -1);
        int[] bits = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            bits[i] = (int) Long.parseLong(items[i], 16);
        }
        return bits;
    }

    private static int[] bitsOf(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /** How many differ, by how many units in the last place at most, and the first few. */
    private static String differences(int[] expected, int[] actual) {
        if (expected.length != actual.length) {
            return expected.length + " values expected, " + actual.length + " received";
        }
        StringBuilder first = new StringBuilder();
        int count = 0;
        long maxUlps = 0;
        double maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                long ulps = Math.abs(ordered(expected[i]) - ordered(actual[i]));
                maxUlps = Math.max(maxUlps, ulps);
                maxAbs = Math.max(maxAbs, Math.abs((double) Float.intBitsToFloat(expected[i]) - Float.intBitsToFloat(actual[i])));
                if (count++ < 5) {
                    first.append(String.format(Locale.ROOT, "%n  [%d] JVM %s (%08x), page %s (%08x), %d ulp", i,
                            Float.intBitsToFloat(expected[i]), expected[i], Float.intBitsToFloat(actual[i]), actual[i], ulps));
                }
            }
        }
        return String.format(Locale.ROOT, "%d of %d differ, by up to %d ulp (max |diff| %.3g); the first:%s",
                count, expected.length, maxUlps, maxAbs, first);
    }

    /** Float bits mapped to a line where adjacent floats are adjacent integers. */
    private static long ordered(int bits) {
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
