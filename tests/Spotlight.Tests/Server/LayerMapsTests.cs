using Microsoft.Playwright;
using Spotlight.Captioning;
using Spotlight.Server;
using Spotlight.Tests.Captioning;
using Spotlight.Vision;

namespace Spotlight.Tests.Server;

/// <summary>
/// layer_maps=true: a Transformer captioner's per-layer, per-head cross-attention over HTTP, and the page's choice of
/// which maps to draw. Their mean over layers and heads is the caption's attention.
/// </summary>
[Collection(ServerCollection.Name)]
public class LayerMapsTests(ServerFixture fixture)
{
    private string TransformerModel()
    {
        var path = Path.Combine(fixture.Directory, "transformer.spotlight");
        if (File.Exists(path)) return path;
        TorchSharp.torch.manual_seed(21);
        var vocabulary = Spotlight.Text.Vocabulary.Build([["a", "red", "circle"], ["a", "blue", "square", "left"]], 1);
        var network = new Captioner(TinyCaptioningData.TransformerConfig(vocabulary.Count));
        network.eval();
        using var model = new CaptionModel(network, vocabulary, new ImagePreprocessing(32));
        model.Save(path + ".tmp");
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    [Fact]
    public async Task A_transformers_layers_and_heads_come_back_and_average_to_the_captions_map()
    {
        using var backend = CaptionModelBackend.Load(TransformerModel());
        await using var server = await TestHostHandle.InMemoryAsync(backend);
        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[0], "image/png", "?attention=true&layer_maps=true&beam=2"));
        var words = json.GetProperty("tokens").GetArrayLength();
        var attention = json.GetProperty("attention").GetProperty("weights");
        var layers = json.GetProperty("layers");
        Assert.Equal(2, layers.GetArrayLength());                                // TransformerCaptionConfig.Tiny: 2 layers of 2 heads
        Assert.All(layers.EnumerateArray(), l => Assert.Equal(2, l.GetArrayLength()));
        for (int t = 0; t < words; t++)
            for (int r = 0; r < attention[t].GetArrayLength(); r++)
            {
                double mean = layers.EnumerateArray().SelectMany(l => l.EnumerateArray()).Average(h => h[t][r].GetDouble());
                Assert.True(Math.Abs(mean - attention[t][r].GetDouble()) < 1e-5, $"word {t}, region {r}: {mean} vs {attention[t][r]}");
            }
    }

    [Fact]
    public async Task A_recurrent_captioner_has_no_layers_and_a_bad_value_is_a_400()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[0], "image/png", "?layer_maps=true"));
        Assert.False(json.TryGetProperty("layers", out _));                      // absent, as every field that does not apply
        await Http.AssertProblem(await Http.PostRaw(server.Client, fixture.Images[0], "image/png", "?layer_maps=maybe"), System.Net.HttpStatusCode.BadRequest, "bad-parameter");
    }

    [SkippableFact]
    public async Task The_page_offers_each_layer_and_head_of_a_transformer_and_draws_the_chosen_one()
    {
        Skip.If(HeadlessChromium.Missing is not null, HeadlessChromium.Missing);
        using var backend = CaptionModelBackend.Load(TransformerModel());
        await using var server = await TestHostHandle.KestrelAsync(backend);
        using var playwright = await Playwright.CreateAsync();
        var (browser, page) = await HeadlessChromium.OpenAsync(playwright, Path.Combine(fixture.Directory, "chromium-" + Guid.NewGuid().ToString("N")));
        await using var closing = browser;
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('model').textContent.startsWith('Model transformer.spotlight@')");
        await page.SetInputFilesAsync("#file", fixture.ImagePaths[1]);
        await page.WaitForFunctionAsync("() => document.getElementById('timings').textContent.startsWith('PNG 32×32')");

        Assert.True(await page.Locator("#maps-choice").IsVisibleAsync());
        Assert.Equal(1 + 2 * (1 + 2), await page.Locator("#maps option").CountAsync());   // average, then per layer: heads averaged + each head
        if (await page.Locator("#caption .word").CountAsync() == 0) return;              // an empty caption has no word to point at
        await page.Locator("#maps").SelectOptionAsync("1:0");
        await page.Locator("#caption .word").First.HoverAsync();
        Assert.True(await HeadlessChromium.PaintedPixels(page, "heat") > 0, "layer 2, head 1's map was not drawn");
    }
}
