package io.taskhub.runtime;

import io.taskhub.ports.orchestration.TaskhubPlugin;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Plugin jars made the way a user makes them (compiled against Taskhub's ports, with a services file), at test
 * time, so that their classes are on no class path but the jar's own.
 */
public final class PluginJars {
    private PluginJars() {
    }

    /**
     * A jar with one plugin class {@code pkg.ClassName} whose {@code register} body is {@code registerBody}
     * (a statement list using {@code registry}).
     */
    public static Path jar(Path directory, String jarName, String className, String registerBody) {
        try {
            Path sources = Files.createTempDirectory("taskhub-plugin-src");
            Path classes = Files.createTempDirectory("taskhub-plugin-classes");
            String pkg = className.substring(0, className.lastIndexOf('.'));
            String simple = className.substring(className.lastIndexOf('.') + 1);
            Path source = sources.resolve(simple + ".java");
            Files.writeString(source, "package " + pkg + ";\n"
                    + "import io.taskhub.ports.orchestration.*;\n"
                    + "public final class " + simple + " implements TaskhubPlugin {\n"
                    + "    @Override public void register(TaskRegistry registry) {\n" + registerBody + "\n    }\n"
                    + "}\n");
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            int result = compiler.run(null, null, null, "-d", classes.toString(), "-cp",
                    System.getProperty("java.class.path"), "--release", "17", source.toString());
            if (result != 0) {
                throw new IllegalStateException("could not compile " + source);
            }
            Path jar = directory.resolve(jarName);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, out);
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/services/" + TaskhubPlugin.class.getName()));
                write(out, className + "\n");
                out.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A plugin registering an orchestrator {@code name} that returns {@code "from " + jar} through an activity. */
    public static Path greeter(Path directory, String jarName, String pkg, String name) {
        return jar(directory, jarName, pkg + ".GreeterPlugin", String.join("\n", List.of(
                "registry.addActivity(\"" + name + "Activity\", ctx -> \"from " + jarName + "\");",
                "registry.addOrchestrator(\"" + name + "\", ctx -> ctx.callActivity(\"" + name
                        + "Activity\", null, String.class).await());")));
    }
}
