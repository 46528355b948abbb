using Microsoft.Playwright;
using Spotlight.Server;
using Xunit.Abstractions;

namespace Spotlight.Tests.Server;

/// <summary>
/// The page in a real browser: Debian's Chromium, headless, driven by Playwright's driver from its NuGet package
/// (no browser download), against the server on a loopback port. Skipped, saying why, where Chromium is absent.
/// </summary>
[Collection(ServerCollection.Name)]
public class BrowserTests(ServerFixture fixture, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Uploading_an_image_shows_its_caption_and_hovering_a_word_draws_its_heatmap()
    {
        Skip.If(HeadlessChromium.Missing is not null, HeadlessChromium.Missing);
        var samplePhoto = Path.Combine(Spotlight.Tests.Captioning.PretrainedCaptionerTests.Repository, "samples", "chelsea.png");
        var sample = fixture.Model.CaptionFiles([samplePhoto], ServerFixture.Beam3)[0];   // before the server's model thread starts
        await using var server = await TestHostHandle.KestrelAsync(fixture.Backend);
        var profile = Path.Combine(fixture.Directory, "chromium-profile-" + Guid.NewGuid().ToString("N"));

        using var playwright = await Playwright.CreateAsync();
        var (browser, page) = await HeadlessChromium.OpenAsync(playwright, profile);
        await using var closing = browser;
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };

        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('model').textContent.startsWith('Model tiny.spotlight@')");

        // Before any upload the page shows the sample photo (samples/chelsea.png), captioned, not an empty frame.
        await page.WaitForFunctionAsync("() => document.getElementById('timings').textContent.startsWith('PNG 451×300')");
        Assert.Equal(sample.Tokens, await page.Locator("#caption .word").AllTextContentsAsync());
        Assert.True(await HeadlessChromium.PaintedPixels(page, "photo") > 0, "the sample was not drawn");

        await page.Locator("#beam").FillAsync("3");
        await page.Locator("#alternatives").FillAsync("3");
        await page.SetInputFilesAsync("#file", fixture.ImagePaths[0]);
        await page.WaitForFunctionAsync("() => document.getElementById('timings').textContent.startsWith('PNG 32×32')");

        var expected = fixture.Reference(0, ServerFixture.Beam3);
        var words = await page.Locator("#caption .word").AllTextContentsAsync();
        Assert.Equal(expected.Tokens, words);
        Assert.Equal(expected.Alternatives.Count, await page.Locator("#alternatives-list li").CountAsync());
        Assert.True(await HeadlessChromium.PaintedPixels(page, "photo") > 0, "the image was not drawn");
        Assert.Equal(0, await HeadlessChromium.PaintedPixels(page, "heat"));   // nothing until a word is pointed at

        await page.Locator("#caption .word").Nth(0).HoverAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('heat').dataset.token === '0'");
        Assert.Equal(384 * 384, await HeadlessChromium.PaintedPixels(page, "heat"));   // every pixel tinted, at least 5% opaque

        // Where the word's attention weight is largest the overlay is most opaque; where it is smallest, least.
        var weights = expected.Attention.Weights[0];
        int grid = fixture.Backend.Info.GridWidth, cell = 384 / grid;
        int hot = Array.IndexOf(weights, weights.Max()), cold = Array.IndexOf(weights, weights.Min());
        int Alpha((int X, int Y) p) => page.EvaluateAsync<int>($"() => document.getElementById('heat').getContext('2d').getImageData({p.X}, {p.Y}, 1, 1).data[3]").Result;
        (int, int) Centre(int region) => (region % grid * cell + cell / 2, region / grid * cell + cell / 2);
        int hotAlpha = Alpha(Centre(hot)), coldAlpha = Alpha(Centre(cold));
        Assert.True(hotAlpha > coldAlpha + 100, $"alpha {hotAlpha} at the most attended region, {coldAlpha} at the least");

        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "server-page.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
        Assert.Empty(consoleErrors);
    }
}
