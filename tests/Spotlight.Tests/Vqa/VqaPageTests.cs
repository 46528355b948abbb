using Microsoft.Playwright;
using Spotlight.Server;
using Spotlight.Tests.Server;
using Spotlight.Tests.Vision;
using Spotlight.Vqa;

namespace Spotlight.Tests.Vqa;

/// <summary>The page's question box on a server with a VQA model only, in headless Chromium (skipped where it is absent).</summary>
public sealed class VqaPageTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task Dropping_an_image_and_asking_shows_the_models_answer_and_each_hops_map()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (.ci/run installs Debian's chromium package when run as root)");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var dir = new TempDirectory();
        using (var untrained = VqaModelFileTests.Untrained(set.Data)) untrained.Save(dir.File("vqa.spotlight"));
        var q = set.Data.Split("test")[0];
        var image = set.Data.ImagePath(q.ImageId);
        VqaAnswer expected;
        using (var model = VqaModel.Load(dir.File("vqa.spotlight"))) expected = model.Ask(image, q.Question);

        await using var server = await TestHostHandle.KestrelAsync([VqaTask.Load(dir.File("vqa.spotlight"))]);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(dir.File("profile"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = Chromium, Headless = true, Timeout = 30_000,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('model').textContent.includes('answers questions')");
        Assert.True(await page.Locator("#ask").IsVisibleAsync());

        await page.SetInputFilesAsync("#file", image);
        await page.Locator("#question").FillAsync(q.Question);
        await page.Locator("#ask-form button").ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('answer').textContent.length > 0");
        Assert.StartsWith(expected.Answer + " (", await page.Locator("#answer").TextContentAsync());
        Assert.Equal(expected.Top.Count, await page.Locator("#answers-list li").CountAsync());
        Assert.Equal(expected.HopMaps.Count, await page.Locator("#hops .hop").CountAsync());
        await page.Locator("#hops .hop").First.ClickAsync();
        var painted = await page.EvaluateAsync<int>("() => { const c = document.getElementById('heat'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }");
        Assert.True(painted > 0, "the first hop's map was not drawn");
    }
}
