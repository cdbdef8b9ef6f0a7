package dev.sessionkit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Both demos in a real browser: Debian's headless Chromium, driven through Debian's chromedriver
 * (no browser is downloaded). Sign in through the form, see the dashboard and its visit count,
 * reload and see it grow, sign out, see the login form again. A screenshot of each dashboard is
 * written to {@code target/screenshots/}.
 *
 * <p>Without Chromium the test fails, saying how to install it; it never skips.
 */
@Timeout(180)
final class BrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Path profile;
    private ChromeDriverService service;
    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("The browser test needs Debian's Chromium and its driver at " + CHROMIUM + " and " + CHROMEDRIVER
                    + "; install them with: apt-get install -y chromium chromium-driver");
        }
        profile = Files.createTempDirectory("sessionkit-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void servletDemoSignInReloadAndSignOut() throws Exception {
        try (RunningDemo app = RunningDemo.servlet(TestStore.memory(), Clock.systemUTC(), PortalContract.ENV)) {
            signInReloadAndSignOut(app, "dashboard-servlet.png");
        }
    }

    @Test
    void springDemoSignInReloadAndSignOut() throws Exception {
        try (RunningDemo app = RunningDemo.spring(TestStore.memory(), Clock.systemUTC(), PortalContract.ENV)) {
            signInReloadAndSignOut(app, "dashboard-spring.png");
        }
    }

    private void signInReloadAndSignOut(RunningDemo app, String screenshot) throws IOException {
        // a second device of the same user, so the dashboard lists two sessions
        new Client(app.base(), "curl/8.5.0").login("admin");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

        Path target = Path.of(System.getProperty("basedir", ".")).resolve("target/screenshots");
        Files.createDirectories(target);
        browser.get(app.base() + "/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        Files.write(target.resolve(screenshot.replace("dashboard", "login")),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("admin-password");
        browser.findElement(By.id("sign-in")).click();

        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("visits"))).getText()).isEqualTo("1");
        assertThat(browser.findElement(By.id("user")).getText()).isEqualTo("admin");
        assertThat(browser.findElement(By.id("sessions")).getText()).contains("this device", "curl");
        assertThat(browser.findElement(By.id("admin-stats")).getText()).contains("ACTIVE");

        browser.navigate().refresh();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("visits"))).getText()).isEqualTo("2");
        browser.navigate().refresh();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("visits"))).getText()).isEqualTo("3");
        Files.write(target.resolve(screenshot),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(browser.findElement(By.tagName("form")).getAttribute("action")).endsWith("/login");
        assertThat(browser.manage().getCookies()).isEmpty();
    }
}
