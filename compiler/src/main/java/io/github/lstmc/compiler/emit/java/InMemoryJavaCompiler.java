package io.github.lstmc.compiler.emit.java;

import io.github.lstmc.runtime.LstmNetwork;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources in memory with the platform's {@code javax.tools} compiler, at
 * {@code --release 8} (or {@code --release 17 --add-modules jdk.incubator.vector} for the Vector API
 * tier), against the lstmc runtime as found on the current class path, and loads the
 * result in a fresh class loader whose parent is the runtime's loader. Several sources per call
 * share one javac run (javac's start-up dominates for small models).
 */
public final class InMemoryJavaCompiler {

    private InMemoryJavaCompiler() {
    }

    /** Compiled classes: binary name to class-file bytes, and a loader that defines them. */
    public record Result(Map<String, byte[]> classFiles, ClassLoader loader) {
        /** Loads class {@code binaryName}. */
        public Class<?> load(String binaryName) {
            try {
                return loader.loadClass(binaryName);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("not compiled: " + binaryName, e);
            }
        }
    }

    /**
     * Compiles sources.
     *
     * @param sources qualified class name to source text
     * @throws IllegalStateException with javac's diagnostics if compilation fails (a generator bug),
     *                               or if no compiler is available (a JRE without jdk.compiler)
     */
    public static Result compile(Map<String, String> sources) {
        return compile(sources, false);
    }

    /**
     * Compiles sources, at {@code --release 17} with the incubating Vector API module when
     * {@code vectorApi} (the generated class of the Vector API tier), else at {@code --release 8}.
     *
     * @throws IllegalStateException as {@link #compile(Map)}
     */
    public static Result compile(Map<String, String> sources, boolean vectorApi) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler available: run lstmc on a JDK, not a JRE");
        }
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, text) -> units.add(new Source(name, text)));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> outputs = new TreeMap<>();
        try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null)) {
            ForwardingJavaFileManager<StandardJavaFileManager> files = new ForwardingJavaFileManager<>(standard) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                           FileObject sibling) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    outputs.put(className, bytes);
                    return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + ".class"),
                            kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            return bytes;
                        }
                    };
                }
            };
            List<String> options = new ArrayList<>(vectorApi
                    ? List.of("--release", "17", "--add-modules", "jdk.incubator.vector")
                    : List.of("--release", "8"));
            options.addAll(List.of("-classpath", runtimeClassPath(), "-proc:none", "-Xlint:-options", "-encoding",
                    "UTF-8"));
            // javac notes (such as the incubating-module warning) go nowhere; errors are in the diagnostics
            Boolean ok = javac.getTask(java.io.Writer.nullWriter(), files, diagnostics, options, null, units).call();
            if (!ok) {
                StringBuilder message = new StringBuilder("generated source does not compile:");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        message.append("\n  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(null));
                    }
                }
                throw new IllegalStateException(message.toString());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("in-memory file manager failed", e);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        outputs.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
        return new Result(Map.copyOf(classes), new BytesClassLoader(classes));
    }

    /** Where the runtime classes come from (a jar or a classes directory). */
    static String runtimeClassPath() {
        try {
            return Path.of(LstmNetwork.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            return System.getProperty("java.class.path", "") + File.pathSeparator;
        }
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String qualifiedName, String text) {
            super(URI.create("string:///" + qualifiedName.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    /** Defines the compiled classes; everything else (the runtime) comes from the parent. */
    private static final class BytesClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        BytesClassLoader(Map<String, byte[]> classes) {
            super(LstmNetwork.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
