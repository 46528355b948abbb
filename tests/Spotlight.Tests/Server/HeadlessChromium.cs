using Microsoft.Playwright;

namespace Spotlight.Tests.Server;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright's driver from its NuGet package (no browser download): the page
/// tests' one way to open a browser, and what they read back from its canvases.
/// </summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>Why a browser test skips here, or null when Chromium is installed.</summary>
    public static string? Missing => File.Exists(Executable) ? null
        : $"{Executable} is not installed (.ci/run installs Debian's chromium package when run as root)";

    /// <summary>A fresh persistent context in <paramref name="profile"/> and its first page (20 s default timeout).</summary>
    public static async Task<(IBrowserContext Browser, IPage Page)> OpenAsync(IPlaywright playwright, string profile)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic"],
            ViewportSize = new ViewportSize { Width = 1000, Height = 760 },
            Timeout = 30_000,
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return (browser, page);
    }

    /// <summary>How many pixels of a canvas are not fully transparent.</summary>
    public static Task<int> PaintedPixels(IPage page, string canvasId) => page.EvaluateAsync<int>($$"""
        () => {
          const c = document.getElementById('{{canvasId}}');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }
        """);
}
