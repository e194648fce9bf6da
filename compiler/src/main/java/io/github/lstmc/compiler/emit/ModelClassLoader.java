package io.github.lstmc.compiler.emit;

import io.github.lstmc.compiler.GeneratedCode;
import io.github.lstmc.compiler.GeneratedFile;
import io.github.lstmc.runtime.LstmNetwork;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import java.util.Map;

/**
 * Defines the classes of one generated model in a class loader of their own, so that a model
 * compiled at run time can be dropped again: once the network, its classes and this loader are
 * unreachable, all of them are collected. Nothing is written to disk.
 *
 * <p>The parent must see {@code io.github.lstmc.runtime} (the generated classes extend its
 * {@code AbstractLstmNetwork}); by default it is the loader of the runtime itself. Classes are
 * defined lazily, when first asked for, so generated classes may refer to each other in any order.
 * Non-class files of the generated code (e.g. packed weights) are served by
 * {@link #getResourceAsStream(String)}, which is what {@code Class.getResourceAsStream} uses.
 */
public final class ModelClassLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes = new HashMap<>();
    private final Map<String, byte[]> resources = new HashMap<>();

    /**
     * @param parent the loader that resolves everything but the generated classes; must see the runtime
     * @param code   the generated files: {@code .class} files at {@code a/b/C.class}, anything else a resource
     */
    public ModelClassLoader(ClassLoader parent, GeneratedCode code) {
        super("lstmc-model", parent);
        for (GeneratedFile file : code.files()) {
            String path = file.relativePath();
            if (path.endsWith(".class")) {
                classes.put(path.substring(0, path.length() - ".class".length()).replace('/', '.'), file.content());
            } else {
                resources.put(path, file.content());
            }
        }
    }

    /** A loader whose parent is the runtime's own class loader. */
    public ModelClassLoader(GeneratedCode code) {
        this(LstmNetwork.class.getClassLoader(), code);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name); // never changes after construction: safe to read concurrently
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = resources.get(name);
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }

    /**
     * Loads {@code binaryName} and returns a new instance made with its public no-argument constructor.
     *
     * @throws IllegalStateException if the class is missing, is not a network, or its constructor fails
     *                               (generated code is wrong then, not the caller's input)
     */
    public LstmNetwork newNetwork(String binaryName) {
        try {
            Class<?> type = loadClass(binaryName);
            if (!LstmNetwork.class.isAssignableFrom(type)) {
                throw new IllegalStateException(binaryName + " does not implement " + LstmNetwork.class.getName()
                        + " (or sees another copy of the runtime)");
            }
            return (LstmNetwork) type.getConstructor().newInstance();
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot instantiate generated class " + binaryName + ": " + e, e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("constructor of generated class " + binaryName + " failed: "
                    + e.getCause(), e.getCause());
        }
    }
}
