using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Spotlight.Server;
using Spotlight.Translation;

namespace Spotlight.Tests.Server;

/// <summary>
/// A server with a translator and no captioner, composed as <c>spotlight serve --translation-model FILE</c> composes it:
/// captioning and inpainting are registered without a model.
/// </summary>
public class TranslatorOnlyServerTests(TaskModelsFixture tasks) : IClassFixture<TaskModelsFixture>
{
    private Task<TestHostHandle> StartAsync() =>
        TestHostHandle.InMemoryAsync([CaptioningTask.Load(null), new TranslationTask(tasks.Models.Translation), InpaintingTask.Load(null)]);

    private static Task<HttpResponseMessage> Translate(HttpClient client, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        return client.PostAsync("/v1/translations", content);
    }

    [Fact]
    public async Task A_translator_alone_answers_translations_as_the_library_does()
    {
        await using var server = await StartAsync();
        var response = await Translate(server.Client, """{"text": "abcde", "beam": 3}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Http.Json(response);
        var expected = tasks.Translator.Translate(["abcde"], new TranslateOptions(Beam: 3))[0];
        var best = json.GetProperty("translations")[0].GetProperty("hypotheses")[0];
        Assert.Equal(expected.Best.Text, best.GetProperty("text").GetString());
        Assert.Equal(expected.Best.LogProb, best.GetProperty("log_prob").GetDouble(), 1e-5);
        Assert.Equal(tasks.Models.Translation!.Info.Id, json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_translator_alone_is_the_only_model_listed_and_the_one_health_and_readiness_name()
    {
        await using var server = await StartAsync();
        var id = tasks.Models.Translation!.Info.Id;
        var models = await Http.Json(await server.Client.GetAsync("/v1/models"));
        var only = Assert.Single(models.EnumerateArray());
        Assert.Equal(("translation", "/v1/translations", id), (only.GetProperty("task").GetString(), only.GetProperty("endpoint").GetString(), only.GetProperty("id").GetString()));

        var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(id, (await Http.Json(ready)).GetProperty("model").GetString());
        Assert.Equal(id, (await Http.Json(await server.Client.GetAsync("/healthz"))).GetProperty("model").GetString());
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("spotlight_task_ready{task=\"translation\"} 1\n", metrics);
        Assert.DoesNotContain("task=\"captioning\"", metrics);
        Assert.Contains("spotlight_model_ready 1\n", metrics);
    }

    [Fact]
    public async Task A_translator_alone_answers_captions_and_the_caption_model_card_with_404_saying_how_to_load_a_captioner()
    {
        await using var server = await StartAsync();
        var captions = await Http.AssertProblem(await Http.PostRaw(server.Client, tasks.Photo), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("spotlight serve MODEL", captions.GetProperty("detail").GetString());
        await Http.AssertProblem(await Http.PostRaw(server.Client, tasks.Photo, query: "?beam=0"), HttpStatusCode.NotFound, "not-found");   // before any parameter check
        await Http.AssertProblem(await server.Client.GetAsync("/v1/model"), HttpStatusCode.NotFound, "not-found");
        Assert.Null(server.App.Services.GetService(typeof(CaptionBatcher)));   // no model thread started
    }

    [Fact]
    public async Task A_translator_alone_still_serves_the_page_and_describes_every_route_in_openapi()
    {
        await using var server = await StartAsync();
        var page = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("does not serve captioning", await server.Client.GetStringAsync("/assets/app.js"));   // what the page says then
        var paths = (await Http.Json(await server.Client.GetAsync("/openapi/v1.json"))).GetProperty("paths");
        Assert.Equal(["/healthz", "/metrics", "/readyz", "/v1/captions", "/v1/inpaint", "/v1/model", "/v1/models", "/v1/translations"],
            paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
