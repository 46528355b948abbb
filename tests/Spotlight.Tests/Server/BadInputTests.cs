using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

/// <summary>Each kind of bad request gets its own 4xx problem+json, and the server goes on answering.</summary>
[Collection(ServerCollection.Name)]
public class BadInputTests(ServerFixture fixture)
{
    public static TheoryData<string, int, string> BadParameters => new()
    {
        { "?beam=0", 422, "beam must be an integer from 1 to 10, got '0'" },
        { "?beam=11", 422, "beam must be an integer from 1 to 10" },
        { "?beam=abc", 400, "got 'abc'" },
        { "?beam=99999999999999999999", 400, "beam must be an integer" },
        { "?max_length=10000", 422, "max_length must be an integer from 1 to 100, got '10000'" },
        { "?max_length=0", 422, "max_length" },
        { "?attention=maybe", 400, "attention must be true or false" },
        { "?beam=2&alternatives=3", 422, "alternatives (3) cannot exceed beam (2)" },
        { "?beam=1&beam=2", 400, "beam is given 2 times" },
        { "?maxlength=5", 400, "unknown query parameter 'maxlength'" },
        { "?sample=true&top_p=2", 422, "top_p must be a number from" },
        { "?top_k=3", 422, "need sample=true" },
        { "?repetition_penalty=lots", 400, "repetition_penalty must be a number" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task Bad_parameters_are_400_or_422_naming_the_parameter(string query, int status, string detail)
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        // Malformed (not a number, repeated, unknown): 400; well-formed but out of range: 422.
        var problem = await Http.AssertProblem(await Http.PostRaw(server.Client, fixture.Images[0], query: query), (HttpStatusCode)status,
            status == 400 ? "bad-parameter" : "bad-decoding-parameter");
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        await StillAnswers(server);
    }

    public static TheoryData<string, int, string, string> BadBodies => new()
    {
        { "empty", 400, "empty-body", "empty" },
        { "text", 415, "not-an-image", "not an image" },
        { "truncated-png", 422, "undecodable-image", "truncated PNG" },
        { "truncated-header", 422, "undecodable-image", "PNG" },
        { "tiff", 415, "unsupported-image-format", "TIFF" },
        { "png-bomb", 413, "too-many-pixels", "50000x50000 = 2500000000 pixels" },
        { "bmp-bomb", 413, "too-many-pixels", "pixels" },
        { "gif-bomb", 413, "too-many-pixels", "65535x65535" },
        { "just-under-the-limit-but-empty", 422, "undecodable-image", "PNG" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_images_are_refused_with_the_matching_status(string name, int status, string slug, string detail)
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, new ServerOptions { MaxPixels = 1_000_000 });
        var png = fixture.Images[0];
        byte[] body = name switch
        {
            "empty" => [],
            "text" => Encoding.UTF8.GetBytes("this is not an image, it is a sentence"),
            "truncated-png" => BadImages.Truncated(png, png.Length / 2),
            "truncated-header" => BadImages.Truncated(png, 20),
            "tiff" => BadImages.Tiff(),
            "png-bomb" => BadImages.PngClaiming(50000, 50000),
            "bmp-bomb" => BadImages.BmpClaiming(40000, 40000),
            "gif-bomb" => BadImages.GifClaiming(65535, 65535),
            "just-under-the-limit-but-empty" => BadImages.PngClaiming(1000, 1000),
            _ => throw new ArgumentException(name),
        };
        var problem = await Http.AssertProblem(await Http.PostRaw(server.Client, body), (HttpStatusCode)status, slug);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        await StillAnswers(server);
    }

    [Fact]
    public async Task A_header_bomb_is_refused_from_its_header_without_decoding()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);   // the default 40 Mpx limit
        var bomb = BadImages.PngClaiming(50000, 50000);
        Assert.True(bomb.Length < 1000, $"{bomb.Length} bytes");
        // Decoding 2.5 gigapixels would allocate 10 GB of RGBA; refusing from the header allocates next to nothing.
        // The count is process-wide and tests in other collections allocate meanwhile, so the least of three tries is
        // taken: a decode would make every try huge.
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await Http.AssertProblem(await Http.PostRaw(server.Client, bomb), HttpStatusCode.RequestEntityTooLarge, "too-many-pixels");
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        Assert.True(least < 16 << 20, $"{least} bytes allocated");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_whether_or_not_it_declares_its_length()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, new ServerOptions { MaxBodyBytes = 3000 });
        var big = new byte[5000];
        fixture.Images[0].CopyTo(big, 0);
        var declared = await Http.PostRaw(server.Client, big);
        Assert.Contains("5000 bytes", (await Http.AssertProblem(declared, HttpStatusCode.RequestEntityTooLarge, "body-too-large")).GetProperty("detail").GetString());

        var streamed = new StreamContent(new MemoryStream(big));   // no Content-Length: counted while reading
        streamed.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/captions") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;
        await Http.AssertProblem(await server.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        Assert.InRange(fixture.Images[0].Length, 1, 3000);
        await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[0], query: "?beam=1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    [InlineData("%%%")]
    public async Task Wrong_content_types_are_415(string? contentType)
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var content = new ByteArrayContent(fixture.Images[0]);
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        await Http.AssertProblem(await server.Client.PostAsync("/v1/captions", content), HttpStatusCode.UnsupportedMediaType, "unsupported-content-type");
        await StillAnswers(server);
    }

    [Fact]
    public async Task Forms_without_an_image_field_or_with_broken_framing_are_400()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var wrongField = await Http.PostForm(server.Client, fixture.Images[0], field: "picture");
        var missing = await Http.AssertProblem(wrongField, HttpStatusCode.BadRequest, "missing-image");
        Assert.Contains("'picture'", missing.GetProperty("detail").GetString());

        var broken = new ByteArrayContent(Encoding.ASCII.GetBytes("--abc\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nPNGDATA"));
        broken.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=abc");
        await Http.AssertProblem(await server.Client.PostAsync("/v1/captions", broken), HttpStatusCode.BadRequest, "bad-multipart");

        var noBoundary = new ByteArrayContent(fixture.Images[0]);
        noBoundary.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
        await Http.AssertProblem(await server.Client.PostAsync("/v1/captions", noBoundary), HttpStatusCode.BadRequest, "bad-multipart");
        await StillAnswers(server);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems_too()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var notFound = await server.Client.GetAsync("/v2/nothing");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType?.MediaType);
        var wrongMethod = await server.Client.GetAsync("/v1/captions");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("application/problem+json", wrongMethod.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_exception_inside_the_model_is_a_500_problem_and_the_server_survives()
    {
        var throwing = new ThrowingBackend(fixture.Backend);
        await using var server = await TestHostHandle.InMemoryAsync(throwing);
        for (int i = 0; i < 2; i++)
        {
            var problem = await Http.AssertProblem(await Http.PostRaw(server.Client, fixture.Images[0]), HttpStatusCode.InternalServerError, "internal");
            Assert.DoesNotContain("simulated", problem.GetProperty("detail").GetString());   // internals stay in the log
        }
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/healthz")).StatusCode);
        Assert.Contains(server.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("batch of 1 failed"));
    }

    private async Task StillAnswers(TestHostHandle server) =>
        Http.AssertSameCaption(fixture.Reference(1, ServerFixture.Greedy),
            await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[1], query: "?beam=1")));
}
