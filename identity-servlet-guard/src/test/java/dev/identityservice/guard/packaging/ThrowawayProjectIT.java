package dev.identityservice.guard.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * "A library a team can add": a fresh Maven project that depends only on the installed guard artifact,
 * with the README's dependency block and its {@code GuardedApp} class as written, compiles and runs a
 * guarded request (401 without a token, 200 with one).
 *
 * <p>The local repository is private ({@code target/throwaway/repo}), seeded by installing this
 * build's parent POM and guard jar into it, never {@code ~/.m2}; everything else is read from
 * {@code ~/.m2} over {@code file://}, so the test needs no network.
 */
class ThrowawayProjectIT {
    static final Path BASE = Path.of(System.getProperty("throwaway.dir", "target/throwaway"));

    @Test
    void readmeDependencyWhenInstalledIntoAnEmptyRepositoryThenAFreshProjectRunsAGuardedRequest() throws Exception {
        String mvn = System.getProperty("throwaway.mvn", "mvn");
        Assumptions.assumeTrue(onPath(mvn), "mvn is not on the PATH; skipped");
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("## Guard a back-end"));
        String dependency = block(section, "xml");
        String guardedApp = block(section, "java");
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(dependency);
        assertTrue(version.find());
        assertEquals(System.getProperty("guard.version"), version.group(1), "README names this build's version");

        deleteRecursively(BASE);
        Path repo = BASE.resolve("repo");
        Path project = BASE.resolve("project");
        Files.createDirectories(project.resolve("src/main/java"));
        Path settings = BASE.resolve("settings.xml");
        Files.writeString(settings, resource("settings.xml.txt")
                .replace("@M2@", Path.of(System.getProperty("user.home"), ".m2/repository").toUri().toString()));
        Files.writeString(project.resolve("pom.xml"), resource("pom.xml.txt")
                .replace("@DEPENDENCY@", dependency).replace("@JETTY@", System.getProperty("jetty.version")));
        Files.writeString(project.resolve("src/main/java/GuardedApp.java"), guardedApp);
        Files.writeString(project.resolve("src/main/java/RunOnce.java"), resource("RunOnce.java.txt"));

        String install = "org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file";
        run(BASE, mvn, "-B", "-q", "-s", settings.toString(), "-Dmaven.repo.local=" + repo.toAbsolutePath(), install,
                "-Dfile=" + System.getProperty("parent.pom"), "-DpomFile=" + System.getProperty("parent.pom"),
                "-Dpackaging=pom");
        run(BASE, mvn, "-B", "-q", "-s", settings.toString(), "-Dmaven.repo.local=" + repo.toAbsolutePath(), install,
                "-Dfile=" + System.getProperty("guard.jar"), "-DpomFile=" + System.getProperty("guard.pom"));
        Path classpath = BASE.resolve("classpath.txt").toAbsolutePath();
        run(project, mvn, "-B", "-q", "-s", settings.toString(), "-Dmaven.repo.local=" + repo.toAbsolutePath(),
                "compile", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=" + classpath);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String output = run(project, java, "-cp", "target/classes" + File.pathSeparator + Files.readString(classpath).trim(),
                "RunOnce");
        assertTrue(output.contains("RESULT no token: 401; token: 200 alice"), output);
    }

    static String block(String markdown, String language) {
        int start = markdown.indexOf("```" + language + "\n");
        int end = markdown.indexOf("```", start + 4 + language.length());
        return markdown.substring(start + 4 + language.length(), end);
    }

    static String resource(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/throwaway", name), StandardCharsets.UTF_8);
    }

    static String run(Path directory, String... command) throws Exception {
        Path log = Files.createTempFile(BASE, "mvn", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        String output = Files.readString(log);
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + output);
        return output;
    }

    static boolean onPath(String command) {
        if (command.contains(File.separator)) {
            return Files.isExecutable(Path.of(command));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static void deleteRecursively(Path path) throws Exception {
        if (!Files.exists(path)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(path)) {
            walk.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
        }
    }
}
