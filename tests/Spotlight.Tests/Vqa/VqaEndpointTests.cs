using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Spotlight.Server;
using Spotlight.Tests.Server;
using Spotlight.Tests.Vision;
using Spotlight.Vqa;

namespace Spotlight.Tests.Vqa;

public sealed class VqaEndpointTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>, IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string ModelPath()
    {
        if (!File.Exists(dir.File("m.spotlight")))
        {
            using var model = VqaModelFileTests.Untrained(set.Data);
            model.Save(dir.File("m.spotlight"));
        }
        return dir.File("m.spotlight");
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, byte[] image, string? question, string query = "")
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        form.Add(part, "image", "scene.png");
        if (question is not null) form.Add(new StringContent(question), "question");
        return client.PostAsync("/v1/answers" + query, form);
    }

    [Fact]
    public async Task The_endpoint_answers_what_vqa_ask_answers_with_each_hops_map_on_request()
    {
        var q = set.Data.Split("test")[1];
        var imagePath = set.Data.ImagePath(q.ImageId);
        VqaAnswer expected;
        using (var model = VqaModel.Load(ModelPath())) expected = model.Ask(imagePath, q.Question);
        await using var server = await TestHostHandle.InMemoryAsync([VqaTask.Load(ModelPath())]);
        var response = await Post(server.Client, File.ReadAllBytes(imagePath), q.Question, "?attention=true");
        var json = await Http.Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal(expected.Answer, json.GetProperty("answer").GetString());
        Assert.Equal(expected.Probability, json.GetProperty("probability").GetSingle(), 5);
        Assert.Equal(expected.Top.Select(t => t.Answer), json.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("answer").GetString()));
        var maps = json.GetProperty("attention").EnumerateArray().ToList();
        Assert.Equal(2, maps.Count);
        Assert.Equal(expected.HopMaps[1][5], maps[1][5].GetSingle(), 5);
    }

    [Fact]
    public async Task The_model_is_listed_and_the_route_is_in_the_openapi_document()
    {
        await using var server = await TestHostHandle.InMemoryAsync([VqaTask.Load(ModelPath())]);
        var models = await (await server.Client.GetAsync("/v1/models")).Content.ReadAsStringAsync();
        Assert.Contains("/v1/answers", models);
        Assert.Contains("\"vqa\"", models);
        var openapi = await (await server.Client.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        Assert.True(JsonDocument.Parse(openapi).RootElement.GetProperty("paths").TryGetProperty("/v1/answers", out _));
    }

    [Fact]
    public async Task Bad_questions_and_images_get_problems_and_the_server_keeps_answering()
    {
        var image = File.ReadAllBytes(set.Data.ImagePath(set.Data.Split("test")[0].ImageId));
        await using var server = await TestHostHandle.InMemoryAsync([VqaTask.Load(ModelPath())]);
        var c = server.Client;
        await Http.AssertProblem(await Post(c, image, null), HttpStatusCode.UnprocessableEntity, "bad-question");
        await Http.AssertProblem(await Post(c, image, "   "), HttpStatusCode.UnprocessableEntity, "bad-question");
        await Http.AssertProblem(await Post(c, image, new string('a', 2000)), HttpStatusCode.UnprocessableEntity, "bad-question");
        var unknown = await Http.AssertProblem(await Post(c, image, "zebra quantum lighthouse"), HttpStatusCode.UnprocessableEntity, "bad-question");
        Assert.Contains("none of the question's words", unknown.GetProperty("detail").GetString());
        var corrupt = await Post(c, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], "what colour is the star?");
        Assert.InRange((int)corrupt.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", corrupt.Content.Headers.ContentType?.MediaType);
        await Http.AssertProblem(await Post(c, image, "what colour is the star?", "?top=0"), HttpStatusCode.BadRequest, "bad-parameter");
        var good = await Post(c, image, "what colour is the star?");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Without_a_model_the_route_answers_404_naming_the_option()
    {
        await using var server = await TestHostHandle.InMemoryAsync([VqaTask.Load(null)]);
        var problem = await Http.AssertProblem(await Post(server.Client, [1, 2, 3], "what?"), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("--vqa-model", problem.GetProperty("detail").GetString());
    }
}
