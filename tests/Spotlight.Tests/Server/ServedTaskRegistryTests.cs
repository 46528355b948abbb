using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>
/// The registry from an application of one's own (AddSpotlightServer / UseSpotlightServer / MapSpotlightServer):
/// a task written in one file (<see cref="EchoTask"/>) gets its route, OpenAPI entry, model card, readiness and
/// metrics without any other file knowing it.
/// </summary>
public class ServedTaskRegistryTests
{
    /// <summary>A user's app: the slim builder, in memory, with only the given tasks.</summary>
    private sealed class OwnApp : IAsyncDisposable
    {
        private OwnApp(WebApplication app) => App = app;

        public WebApplication App { get; }
        public HttpClient Client => App.GetTestClient();

        public static async Task<OwnApp> StartAsync(params ServedTask[] tasks)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            var spotlight = builder.Services.AddSpotlightServer(new ServerOptions());
            foreach (var task in tasks) spotlight.AddTask(task);
            var app = builder.Build();
            app.UseSpotlightServer();
            app.MapSpotlightServer();
            await app.StartAsync();
            return new OwnApp(app);
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> Echo(HttpClient client, string body, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync(EchoTask.Route, content);
    }

    [Fact]
    public async Task A_task_of_ones_own_answers_on_its_route_and_refuses_bad_bodies_with_the_shared_checks()
    {
        await using var app = await OwnApp.StartAsync(new EchoTask());
        var answer = await Echo(app.Client, """{"text": "hello"}""");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("HELLO", (await Http.Json(answer)).GetProperty("echo").GetString());   // snake_case JSON, the task's answer
        await Http.AssertProblem(await Echo(app.Client, """{"text": "hello", "loud": true}"""), HttpStatusCode.BadRequest, "bad-json");
        await Http.AssertProblem(await Echo(app.Client, """{"text": "   "}"""), HttpStatusCode.UnprocessableEntity, "bad-text");
        await Http.AssertProblem(await Echo(app.Client, "hello", "text/plain"), HttpStatusCode.UnsupportedMediaType, "unsupported-content-type");
        await Http.AssertProblem(await Echo(app.Client, ""), HttpStatusCode.BadRequest, "empty-body");
    }

    [Fact]
    public async Task A_task_of_ones_own_gets_its_openapi_entry_and_tasks_not_registered_get_none()
    {
        await using var app = await OwnApp.StartAsync(new EchoTask());
        var document = await Http.Json(await app.Client.GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");
        Assert.Equal(["/healthz", "/metrics", "/readyz", "/v1/echoes", "/v1/models"], paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var echo = paths.GetProperty(EchoTask.Route).GetProperty("post");
        Assert.Equal("CreateEcho", echo.GetProperty("operationId").GetString());
        var fields = echo.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        Assert.Equal(["text"], fields.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["200", "400", "422"], echo.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));

        var captions = await app.Client.PostAsync("/v1/captions", new ByteArrayContent([1, 2, 3]));   // no such route here
        Assert.Equal(HttpStatusCode.NotFound, captions.StatusCode);
        Assert.Equal("application/problem+json", captions.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_task_of_ones_own_is_listed_with_its_card_and_its_readiness_decides_readyz_and_the_metrics()
    {
        var echo = new EchoTask { Ready = false };
        await using var app = await OwnApp.StartAsync(echo);
        var models = await Http.Json(await app.Client.GetAsync("/v1/models"));
        var card = Assert.Single(models.EnumerateArray());
        Assert.Equal(("echo", EchoTask.Route, EchoTask.ModelId), (card.GetProperty("task").GetString(), card.GetProperty("endpoint").GetString(), card.GetProperty("id").GetString()));
        Assert.True(card.GetProperty("config").GetProperty("Loud").GetBoolean());

        var notReady = await Http.AssertProblem(await app.Client.GetAsync("/readyz"), HttpStatusCode.ServiceUnavailable, "not-ready");
        Assert.Equal("the echo model is warming up", notReady.GetProperty("detail").GetString());
        var metrics = await app.Client.GetStringAsync("/metrics");
        Assert.Contains("spotlight_task_ready{task=\"echo\"} 0\n", metrics);
        Assert.Contains("spotlight_model_ready 0\n", metrics);

        echo.Ready = true;
        var ready = await Http.Json(await app.Client.GetAsync("/readyz"));
        Assert.Equal(("ready", EchoTask.ModelId), (ready.GetProperty("status").GetString(), ready.GetProperty("model").GetString()));
        Assert.Equal(EchoTask.ModelId, (await Http.Json(await app.Client.GetAsync("/healthz"))).GetProperty("model").GetString());
        metrics = await app.Client.GetStringAsync("/metrics");
        Assert.Contains("spotlight_task_ready{task=\"echo\"} 1\n", metrics);
        Assert.Contains("spotlight_model_ready 1\n", metrics);
    }

    [Fact]
    public async Task A_task_registered_without_a_model_keeps_its_route_and_openapi_entry_and_answers_404_saying_how_to_load_one()
    {
        await using var app = await OwnApp.StartAsync(new EchoTask(loaded: false));
        var problem = await Http.AssertProblem(await Echo(app.Client, """{"text": "hello"}"""), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("--echo-model", problem.GetProperty("detail").GetString());
        var paths = (await Http.Json(await app.Client.GetAsync("/openapi/v1.json"))).GetProperty("paths");
        Assert.True(paths.TryGetProperty(EchoTask.Route, out _));
        Assert.Equal(0, (await Http.Json(await app.Client.GetAsync("/v1/models"))).GetArrayLength());
        var notReady = await Http.AssertProblem(await app.Client.GetAsync("/readyz"), HttpStatusCode.ServiceUnavailable, "not-ready");
        Assert.Equal("no model is loaded", notReady.GetProperty("detail").GetString());
    }

    [Fact]
    public void Two_tasks_with_one_name_or_one_endpoint_are_refused()
    {
        var builder = new ServiceCollection().AddSpotlightServer(new ServerOptions());
        builder.AddTask(new EchoTask());
        var sameName = Assert.Throws<InvalidOperationException>(() => builder.AddTask(new EchoTask()));
        Assert.Contains("'echo'", sameName.Message);
        var sameRoute = Assert.Throws<InvalidOperationException>(() => builder.AddTask(new OtherTaskOnTheEchoRoute()));
        Assert.Contains(EchoTask.Route, sameRoute.Message);
    }

    /// <summary>Another task on the echo task's endpoint.</summary>
    private sealed class OtherTaskOnTheEchoRoute : ServedTask
    {
        public override string Name => "other";
        public override string Endpoint => EchoTask.Route;
        public override ServedModelInfo? Card => null;
        public override string NotServedDetail => "no other model";
        public override void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder routes) { }
    }
}
