using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>What running the server for others needs: API keys, CORS, request IDs, TLS, configuration, hosting in an app.</summary>
[Collection(ServerCollection.Name)]
public sealed class ProductionServingTests(ServerFixture fixture) : IDisposable
{
    private const string Key = "k3y-For-Tests-0123456789";
    private readonly string dir = Directory.CreateTempSubdirectory("spotlight-prod-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string KeyFile(params string[] lines)
    {
        var path = Path.Combine(dir, $"keys-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static HttpRequestMessage Caption(byte[] image, Action<HttpRequestMessage>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/captions?beam=3&alternatives=3") { Content = new ByteArrayContent(image) };
        request.Content.Headers.ContentType = new("image/png");
        headers?.Invoke(request);
        return request;
    }

    [Fact]
    public async Task With_api_keys_only_the_probes_and_the_page_are_open_and_keys_never_reach_the_logs()
    {
        var options = new ServerOptions { ApiKeyFile = KeyFile("# keys for the tests", Key, "second-key-0123456789") };
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, options);

        var missing = await server.Client.SendAsync(Caption(fixture.Images[0]));
        await Http.AssertProblem(missing, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        var wrong = await server.Client.SendAsync(Caption(fixture.Images[0], r => r.Headers.Authorization = new("Bearer", Key + "x")));
        Assert.Contains("not valid", (await Http.AssertProblem(wrong, HttpStatusCode.Unauthorized, "unauthorized")).GetProperty("detail").GetString());
        var prefix = await server.Client.SendAsync(Caption(fixture.Images[0], r => r.Headers.Authorization = new("Bearer", Key[..^1])));
        Assert.Equal(HttpStatusCode.Unauthorized, prefix.StatusCode);

        var bearer = await server.Client.SendAsync(Caption(fixture.Images[0], r => r.Headers.Authorization = new("Bearer", Key)));
        Http.AssertSameCaption(fixture.Reference(0, ServerFixture.Beam3), await Http.AssertCaption(bearer), Http.BatchedTolerance);
        var header = await server.Client.SendAsync(Caption(fixture.Images[0], r => r.Headers.Add("X-API-Key", "second-key-0123456789")));
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);

        foreach (var open in new[] { "/healthz", "/readyz", "/", "/assets/app.js" })
            Assert.True((await server.Client.GetAsync(open)).StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, open);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/models")).StatusCode);

        // The OpenAPI document says how to send a key, and which operations need one.
        var openApi = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        openApi.Headers.Authorization = new("Bearer", Key);
        using (var document = System.Text.Json.JsonDocument.Parse(await (await server.Client.SendAsync(openApi)).Content.ReadAsStringAsync()))
        {
            var root = document.RootElement;
            var schemes = root.GetProperty("components").GetProperty("securitySchemes");
            Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
            Assert.Equal("X-API-Key", schemes.GetProperty("api_key").GetProperty("name").GetString());
            var captions = root.GetProperty("paths").GetProperty("/v1/captions").GetProperty("post");
            Assert.True(captions.GetProperty("responses").TryGetProperty("401", out _));
            Assert.Equal(2, captions.GetProperty("security").GetArrayLength());
            Assert.False(root.GetProperty("paths").GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _));
        }

        var logged = string.Join('\n', server.Logs.Entries.Select(e => e.Message + " " + string.Join(' ', e.Values.Values)));
        Assert.Contains(" 401 ", logged);
        Assert.DoesNotContain(Key[..12], logged);
        Assert.DoesNotContain("second-key", logged);
    }

    [Fact]
    public async Task Without_api_keys_the_openapi_document_declares_no_security()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        using var document = System.Text.Json.JsonDocument.Parse(await server.Client.GetStringAsync("/openapi/v1.json"));
        Assert.False(document.RootElement.TryGetProperty("components", out var components) && components.TryGetProperty("securitySchemes", out _));
        Assert.False(document.RootElement.GetProperty("paths").GetProperty("/v1/captions").GetProperty("post").GetProperty("responses").TryGetProperty("401", out _));
    }

    [Fact]
    public void Key_files_that_cannot_protect_anything_are_refused_naming_the_file()
    {
        Assert.Contains("holds no key", Assert.Throws<SpotlightException>(() => ApiKeys.Load(KeyFile("# none", ""))).Message);
        Assert.Contains("line 2", Assert.Throws<SpotlightException>(() => ApiKeys.Load(KeyFile(Key, "short"))).Message);
        var missing = Path.Combine(dir, "absent.txt");
        Assert.StartsWith(missing, Assert.Throws<SpotlightException>(() => ApiKeys.Load(missing)).Message);
        var keys = ApiKeys.Load(KeyFile(Key));
        Assert.True(keys.Accepts(Key));
        Assert.False(keys.Accepts(Key.ToUpperInvariant()));
        Assert.False(keys.Accepts(""));
    }

    [Fact]
    public async Task Cors_is_off_by_default_and_answers_only_the_configured_origins()
    {
        await using (var closed = await TestHostHandle.InMemoryAsync(fixture.Backend))
        {
            var preflight = await closed.Client.SendAsync(Preflight("https://app.example.com"));
            Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        }
        await using var open = await TestHostHandle.InMemoryAsync(fixture.Backend, new ServerOptions { CorsOrigins = ["https://app.example.com"] });
        var allowed = await open.Client.SendAsync(Preflight("https://app.example.com"));
        Assert.Equal("https://app.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var other = await open.Client.SendAsync(Preflight("https://evil.example.com"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        var simple = await open.Client.SendAsync(Caption(fixture.Images[1], r => r.Headers.Add("Origin", "https://app.example.com")));
        Assert.Equal(HttpStatusCode.OK, simple.StatusCode);
        Assert.Equal("https://app.example.com", simple.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("X-Request-ID", simple.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/captions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    [Fact]
    public async Task Every_answer_carries_a_request_id_that_problems_and_log_lines_repeat()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var fresh = await server.Client.GetAsync("/healthz");
        var id = fresh.Headers.GetValues("X-Request-ID").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, (await server.Client.GetAsync("/healthz")).Headers.GetValues("X-Request-ID").Single());

        var given = Caption([]);
        given.Headers.Add("X-Request-ID", "client-42.a:b_c");
        var problem = await server.Client.SendAsync(given);
        Assert.Equal("client-42.a:b_c", problem.Headers.GetValues("X-Request-ID").Single());
        Assert.Equal("client-42.a:b_c", (await Http.AssertProblem(problem, HttpStatusCode.BadRequest, "empty-body")).GetProperty("request_id").GetString());
        var line = server.Logs.Entries.Last(e => e.Category.EndsWith(nameof(RequestLog)) && e.Message.Contains("POST"));
        Assert.Equal("client-42.a:b_c", line.Values["RequestId"]);
        Assert.Equal("client-42.a:b_c", line.Scopes["request_id"]);   // what every line of the request carries

        // An ID that could forge a log line or is too long is replaced, not echoed.
        var forged = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        forged.Headers.TryAddWithoutValidation("X-Request-ID", "a b\" injected=1");
        Assert.Matches("^[0-9a-f]{32}$", (await server.Client.SendAsync(forged)).Headers.GetValues("X-Request-ID").Single());
    }

    [Fact]
    public async Task Https_uses_the_certificate_from_kestrel_configuration()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = Path.Combine(dir, "server.pfx");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "secret"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Certificates:Default:Path"] = pfx,
            ["Kestrel:Certificates:Default:Password"] = "secret",
        }).Build();
        var options = new ServerOptions { Urls = ["https://127.0.0.1:0"] };

        // Logs to a sink, not the console: other tests capture Console.Out while this one runs.
        var app = CaptionServer.Build(options, [new CaptioningTask(fixture.Backend)], builder => builder.Logging.ClearProviders().AddProvider(new LogSink()),
            configuration);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Urls.Single());
            Assert.Equal("https", address.Scheme);
            string? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => (seen = cert?.Thumbprint) == certificate.Thumbprint,
            };
            using var client = new HttpClient(handler) { BaseAddress = address };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
            Assert.Equal(certificate.Thumbprint, seen);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        var e = Assert.Throws<SpotlightException>(() => CaptionServer.Build(options, [], configuration: new ConfigurationBuilder().Build()));
        Assert.Contains("Kestrel:Certificates:Default:Path", e.Message);
    }

    [Fact]
    public void Settings_come_from_appsettings_then_the_config_file_then_the_environment()
    {
        File.WriteAllText(Path.Combine(dir, "appsettings.json"), """{ "Spotlight": { "MaxBatch": 4, "MaxQueue": 7, "RequestTimeout": "00:00:12" } }""");
        var extra = Path.Combine(dir, "prod.json");
        File.WriteAllText(extra, """{ "Spotlight": { "MaxQueue": 9, "CorsOrigins": [ "https://a.example", "https://b.example" ], "JsonLogs": true } }""");
        var options = ServerConfiguration.Bind(ServerConfiguration.Load(extra, dir, environment: false));
        Assert.Equal((4, 9, TimeSpan.FromSeconds(12), true), (options.MaxBatch, options.MaxQueue, options.RequestTimeout, options.JsonLogs));
        Assert.Equal(["https://a.example", "https://b.example"], options.CorsOrigins);
        Assert.Equal(new ServerOptions().Urls, options.Urls);
        Assert.Equal(new ServerOptions().MaxPixels, options.MaxPixels);

        // Environment variables (here as the configuration keys they become): ASP.NET's address, Spotlight's section.
        var environment = new ConfigurationBuilder().AddConfiguration(ServerConfiguration.Load(extra, dir, environment: false))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = "http://0.0.0.0:9000;http://[::]:9000", ["Spotlight:MaxBatch"] = "16" })
            .Build();
        var fromEnvironment = ServerConfiguration.Bind(environment);
        Assert.Equal(["http://0.0.0.0:9000", "http://[::]:9000"], fromEnvironment.Urls);
        Assert.Equal(16, fromEnvironment.MaxBatch);

        File.WriteAllText(extra, """{ "Spotlight": { "MaxBach": 4 } }""");
        Assert.Contains("MaxBach", Assert.Throws<SpotlightException>(() => ServerConfiguration.Bind(ServerConfiguration.Load(extra, dir, environment: false))).Message);
        File.WriteAllText(extra, """{ "Spotlight": { "MaxBatch": "many" } }""");
        Assert.Contains("MaxBatch", Assert.Throws<SpotlightException>(() => ServerConfiguration.Bind(ServerConfiguration.Load(extra, dir, environment: false))).Message);
        File.WriteAllText(extra, """{ "Spotlight": """);
        Assert.StartsWith(extra, Assert.Throws<SpotlightException>(() => ServerConfiguration.Load(extra, dir, environment: false)).Message);
    }

    [Fact]
    public void Serve_reads_the_config_file_and_its_flags_win()
    {
        var config = Path.Combine(dir, "serve.json");
        File.WriteAllText(config, $$"""{ "Spotlight": { "Urls": "https://127.0.0.1:0", "ApiKeyFile": "{{Path.Combine(dir, "no-keys.txt").Replace("\\", "\\\\")}}" } }""");
        var (code, error) = ServeCommandTests.Run(["serve", fixture.ModelPath, "--config", config]);
        Assert.Equal(1, code);
        Assert.Contains("needs a certificate", error);
        // --urls replaces the configured https address; the configured key file still applies.
        (code, error) = ServeCommandTests.Run(["serve", fixture.ModelPath, "--config", config, "--urls", "http://127.0.0.1:0"]);
        Assert.Equal(1, code);
        Assert.Contains("no-keys.txt: cannot read the API key file", error);
        (code, error) = ServeCommandTests.Run(["serve", fixture.ModelPath, "--config", Path.Combine(dir, "absent.json")]);
        Assert.Equal((1, $"error: {Path.Combine(dir, "absent.json")}: no such configuration file"), (code, error.Trim()));
    }

    [Fact]
    public async Task A_users_own_app_hosts_the_captioning_endpoint_beside_its_routes_with_options_from_its_configuration()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(new LogSink());   // not the console, which other tests capture
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spotlight:MaxBatch"] = "2", ["Spotlight:ApiKeyFile"] = KeyFile(Key),
        });
        builder.Services.AddSpotlightServer(builder.Configuration).AddTask(new CaptioningTask(fixture.Backend));
        await using var app = builder.Build();
        app.UseSpotlightServer();
        app.MapGet("/hello", () => "hello from the app");
        app.MapSpotlightServer();
        await app.StartAsync();
        using var client = app.GetTestClient();

        Assert.Equal("hello from the app", await client.GetStringAsync("/hello"));
        Assert.Equal(2, app.Services.GetRequiredService<ServerOptions>().MaxBatch);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Caption(fixture.Images[2]))).StatusCode);
        HttpResponseMessage? answer = null;
        for (int i = 0; i < 200 && answer?.StatusCode != HttpStatusCode.OK; i++)
        {
            answer = await client.SendAsync(Caption(fixture.Images[2], r => r.Headers.Authorization = new("Bearer", Key)));
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable) await Task.Delay(25);   // warming up
            else break;
        }
        Http.AssertSameCaption(fixture.Reference(2, ServerFixture.Beam3), await Http.AssertCaption(answer!), Http.BatchedTolerance);
        await app.StopAsync();
    }
}
