using Microsoft.Playwright;
using Spotlight.Server;
using Spotlight.Tests.Server;
using Spotlight.Tests.Vision;
using Spotlight.Vqa;

namespace Spotlight.Tests.Vqa;

/// <summary>The page's question box on a server with a VQA model only, in headless Chromium (skipped where it is absent).</summary>
public sealed class VqaPageTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    [SkippableFact]
    public async Task Dropping_an_image_and_asking_shows_the_models_answer_and_each_hops_map()
    {
        Skip.If(HeadlessChromium.Missing is not null, HeadlessChromium.Missing);
        using var dir = new TempDirectory();
        using (var untrained = VqaModelFileTests.Untrained(set.Data)) untrained.Save(dir.File("vqa.spotlight"));
        var q = set.Data.Split("test")[0];
        var image = set.Data.ImagePath(q.ImageId);
        VqaAnswer expected;
        using (var model = VqaModel.Load(dir.File("vqa.spotlight"))) expected = model.Ask(image, q.Question);

        await using var server = await TestHostHandle.KestrelAsync([VqaTask.Load(dir.File("vqa.spotlight"))]);
        using var playwright = await Playwright.CreateAsync();
        var (browser, page) = await HeadlessChromium.OpenAsync(playwright, dir.File("profile"));
        await using var closing = browser;
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
        Assert.True(await HeadlessChromium.PaintedPixels(page, "heat") > 0, "the first hop's map was not drawn");
    }
}
