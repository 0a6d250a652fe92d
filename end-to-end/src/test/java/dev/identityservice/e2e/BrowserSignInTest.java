package dev.identityservice.e2e;

import static dev.identityservice.e2e.QuickstartStack.ALICE;
import static dev.identityservice.e2e.QuickstartStack.ALICE_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sample page in a real, headless Chromium (Debian's {@code chromium} and {@code chromium-driver}),
 * against the real identity server: sign in through the server's login form, call the API, sign out.
 *
 * <p>Without {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} the test is skipped, saying how to install them,
 * unless {@code IDENTITY_TEST_BROWSER=required} (as in {@code .ci/run}): then it fails. The driver is
 * always given by path, so Selenium Manager is never run and nothing is downloaded.
 */
class BrowserSignInTest {

    /** Debian's paths; {@code -Didentity.test.chromium=...} and {@code -Didentity.test.chromedriver=...} point elsewhere. */
    static final String CHROMIUM = System.getProperty("identity.test.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("identity.test.chromedriver", "/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Selenium 4.27 has no CDP bindings for this Chromium; WebDriver does not need them. Keep the logs quiet. */
    private static final java.util.logging.Logger[] QUIET = {
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools"),
            java.util.logging.Logger.getLogger("org.openqa.selenium.chromium")};

    private static QuickstartStack stack;
    private Path profile;
    private ChromeDriverService service;
    private WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        for (java.util.logging.Logger logger : QUIET) {
            logger.setLevel(java.util.logging.Level.SEVERE);
        }
        if (browserPresent()) {
            stack = QuickstartStack.start();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /** Skips when the browser is missing, or fails if IDENTITY_TEST_BROWSER=required. */
    static void requireBrowser() {
        if (browserPresent()) {
            return;
        }
        String message = "Browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                + ": sudo apt-get install chromium chromium-driver (Debian/Ubuntu), then run mvn -B -pl end-to-end -am verify";
        if ("required".equals(System.getenv("IDENTITY_TEST_BROWSER"))) {
            Assertions.fail(message + " (IDENTITY_TEST_BROWSER=required)");
        }
        System.err.println("SKIPPED " + BrowserSignInTest.class.getSimpleName() + ": " + message);
        Assumptions.abort(message);
    }

    static boolean browserPresent() {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    @BeforeEach
    void openBrowser() throws IOException {
        requireBrowser();
        profile = Files.createTempDirectory("identity-e2e-chromium");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,800", "--user-data-dir=" + profile);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            deleteTree(profile);
        }
    }

    @Test
    void signInWhenAliceUsesTheSamplePageThenSignedInApiNamesHerAndSignOutEndsTheSession() throws Exception {
        String page = stack.sampleOrigin() + "/";
        try {
            driver.get(page);
            waitForState("signed-out");

            driver.findElement(By.id("sign-in")).click();
            // The identity server's login page.
            wait(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
            assertTrue(driver.getCurrentUrl().startsWith(stack.server.issuer() + "/oauth2/"), driver.getCurrentUrl());
            driver.findElement(By.id("username")).sendKeys(ALICE);
            driver.findElement(By.id("password")).sendKeys(ALICE_PASSWORD);
            driver.findElement(By.cssSelector("button[name=action][value=login]")).click();

            // Back on the page, signed in; the page has called /api/me on its own.
            waitForState("signed-in");
            assertEquals(page, driver.getCurrentUrl(), "the page leaves /callback?code=... at once");
            assertEquals(ALICE, text("user-name"));
            wait(ExpectedConditions.textToBe(By.id("api-status"), "200"));

            // A 403 first, so that the 200 after it is the button's doing.
            driver.findElement(By.id("call-admin")).click();
            wait(ExpectedConditions.textToBe(By.id("api-status"), "403"));
            assertTrue(text("api-result").contains("insufficient_scope"), text("api-result"));
            driver.findElement(By.id("call-api")).click();
            wait(ExpectedConditions.textToBe(By.id("api-status"), "200"));
            assertTrue(text("api-result").contains("\"name\": \"alice\""), text("api-result"));
            assertTrue(text("api-result").contains("\"greeting\": \"Hello, alice!\""), text("api-result"));
            screenshot("browser-signed-in.png");

            driver.findElement(By.id("sign-out")).click();
            waitForState("signed-out");
            wait(ExpectedConditions.urlMatches("^" + java.util.regex.Pattern.quote(page) + "(\\?.*)?$"));
            assertEquals("Not signed in.", text("status"));

            // The server's session ended too: signing in again asks for the password.
            driver.findElement(By.id("sign-in")).click();
            wait(ExpectedConditions.visibilityOfElementLocated(By.id("password")));
            assertTrue(driver.getCurrentUrl().startsWith(stack.server.issuer() + "/oauth2/"), driver.getCurrentUrl());
        } catch (AssertionError | RuntimeException e) {
            screenshot("browser-failure.png");
            Files.writeString(output("browser-failure.html"), driver.getPageSource());
            throw e;
        }
    }

    private void waitForState(String state) {
        wait(ExpectedConditions.attributeToBe(By.tagName("body"), "data-state", state));
    }

    private <T> T wait(org.openqa.selenium.support.ui.ExpectedCondition<T> condition) {
        try {
            // The page navigates (login form -> /callback -> page) while a condition reads it: an element found
            // just before a navigation goes stale, which means "not yet", not a failure.
            return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("timed out at " + driver.getCurrentUrl() + ", status \"" + statusOrNone() + "\": " + e.getMessage(), e);
        }
    }

    private String statusOrNone() {
        try {
            return text("status");
        } catch (RuntimeException e) {
            return "(no #status)";
        }
    }

    private String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    private void screenshot(String name) throws IOException {
        Files.write(output(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static Path output(String name) throws IOException {
        Path dir = Path.of(System.getProperty("identity.e2e.output", "target"));
        Files.createDirectories(dir);
        return dir.resolve(name);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
