using System.Net;
using System.Text.Json;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>Health, readiness, the model card, the OpenAPI document and the page's files.</summary>
[Collection(ServerCollection.Name)]
public class OpsEndpointTests(ServerFixture fixture)
{
    [Fact]
    public async Task Healthz_and_readyz_answer_once_the_model_is_warmed_up()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var health = await Http.Json(await server.Client.GetAsync("/healthz"));
        Assert.Equal("alive", health.GetProperty("status").GetString());
        var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await Http.Json(ready)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_model_that_fails_its_warm_up_is_alive_but_not_ready_and_refuses_captions_with_503()
    {
        await using var server = await TestHostHandle.InMemoryAsync(new ThrowingBackend(fixture.Backend) { FailWarmUp = true });
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        var notReady = await Http.AssertProblem(await server.Client.GetAsync("/readyz"), HttpStatusCode.ServiceUnavailable, "not-ready");
        Assert.Contains("simulated failure", notReady.GetProperty("detail").GetString());
        await Http.AssertProblem(await Http.PostRaw(server.Client, fixture.Images[0]), HttpStatusCode.ServiceUnavailable, "not-ready");
    }

    [Fact]
    public async Task The_model_card_shows_config_vocabulary_training_summary_and_validation_scores()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var card = await Http.Json(await server.Client.GetAsync("/v1/model"));
        Assert.Equal($"tiny.spotlight@{fixture.Checksum[..12]}", card.GetProperty("id").GetString());
        Assert.Equal(fixture.Checksum, card.GetProperty("checksum").GetString());
        Assert.Equal("captioner", card.GetProperty("kind").GetString());
        Assert.Equal(fixture.Model.Vocabulary.Count, card.GetProperty("vocabulary_size").GetInt32());
        var config = card.GetProperty("config");
        Assert.Equal(fixture.Model.Config.VocabSize, config.GetProperty("vocab_size").GetInt32());
        Assert.Equal(fixture.Model.Config.DecoderDim, config.GetProperty("decoder_dim").GetInt32());
        Assert.Equal("additive", config.GetProperty("attention").GetString());
        Assert.Equal(32, card.GetProperty("preprocessing").GetProperty("size").GetInt32());
        Assert.Equal("shorter-side-then-center-crop", card.GetProperty("preprocessing").GetProperty("resize").GetString());
        Assert.Equal((8, 8), (card.GetProperty("grid_height").GetInt32(), card.GetProperty("grid_width").GetInt32()));
        Assert.Equal(64, card.GetProperty("training").GetProperty("train_images").GetInt32());
        var validation = card.GetProperty("validation");
        Assert.Equal(0.125, validation.GetProperty("best_validation_cider_d").GetDouble());
        Assert.Equal(0.0625, validation.GetProperty("last_validation_bleu4").GetDouble());
        Assert.False(validation.TryGetProperty("validation_images", out _));   // a count, not a score
        Assert.Equal(10, card.GetProperty("limits").GetProperty("max_beam").GetInt32());
    }

    [Fact]
    public async Task The_openapi_document_parses_and_describes_every_route()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var response = await server.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await Http.Json(response);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        Assert.Equal(["/healthz", "/metrics", "/readyz", "/v1/captions", "/v1/inpaint", "/v1/model", "/v1/models", "/v1/translations"],
            paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var caption = paths.GetProperty("/v1/captions").GetProperty("post");
        var parameters = caption.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(CaptionQuery.Names.Order(StringComparer.Ordinal), parameters.Keys.Order(StringComparer.Ordinal));
        var beam = parameters["beam"].GetProperty("schema");
        Assert.Equal("integer", beam.GetProperty("type").GetString());
        Assert.Equal(10, beam.GetProperty("maximum").GetInt32());
        var bodies = caption.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name).ToList();
        Assert.Contains("multipart/form-data", bodies);
        Assert.Contains("image/*", bodies);
        var responses = caption.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Equal(["200", "400", "413", "415", "422", "429", "503", "504"], responses.Order(StringComparer.Ordinal));
        Assert.True(caption.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));

        var translation = paths.GetProperty("/v1/translations").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        var fields = translation.GetProperty("application/json").GetProperty("schema").GetProperty("properties").EnumerateObject().Select(p => p.Name);
        Assert.Equal(["alpha", "attention", "beam", "length_penalty", "nbest", "text", "texts"], fields.Order(StringComparer.Ordinal));
        var inpaint = paths.GetProperty("/v1/inpaint").GetProperty("post");
        Assert.Equal(["attention", "box", "format"], inpaint.GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        var form = inpaint.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal(["image", "mask"], form.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var redirect = await server.Client.GetAsync("/openapi.json");   // the short name leads to the same document
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/openapi/v1.json", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_page_and_its_assets_are_served_from_the_assembly_with_etags()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var page = await server.Client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"/assets/app.js\"></script>", html);
        Assert.Contains("<canvas id=\"heat\"", html);
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);   // nothing fetched from elsewhere: it works offline

        foreach (var (name, type) in new[] { ("app.js", "text/javascript"), ("app.css", "text/css") })
        {
            var asset = await server.Client.GetAsync("/assets/" + name);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            Assert.True((await asset.Content.ReadAsByteArrayAsync()).Length > 500);
            var again = new HttpRequestMessage(HttpMethod.Get, "/assets/" + name);
            again.Headers.TryAddWithoutValidation("If-None-Match", asset.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.NotModified, (await server.Client.SendAsync(again)).StatusCode);
        }
        await Http.AssertProblem(await server.Client.GetAsync("/assets/nothing.js"), HttpStatusCode.NotFound, "not-found");
    }
}
