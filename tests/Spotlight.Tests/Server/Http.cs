using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Spotlight.Captioning;

namespace Spotlight.Tests.Server;

/// <summary>Requests to the caption endpoint and checks of what comes back.</summary>
internal static class Http
{
    public static Task<HttpResponseMessage> PostRaw(HttpClient client, byte[] body, string? contentType = "image/png", string query = "")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync("/v1/captions" + query, content);
    }

    public static Task<HttpResponseMessage> PostForm(HttpClient client, byte[] image, string query = "", string field = "image", string fileName = "scene.png")
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        form.Add(part, field, fileName);
        return client.PostAsync("/v1/captions" + query, form);
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>An RFC 9457 answer with this status and problem type, a title and a detail.</summary>
    public static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal("urn:spotlight:problem:" + slug, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static async Task<JsonElement> AssertCaption(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The served caption is the reference: same tokens, and the same log-probability and attention maps, which
    /// differ between images even when an untrained model's words do not.
    /// </summary>
    public static void AssertSameCaption(CaptionResult expected, JsonElement actual, double tolerance = 0)
    {
        Assert.Equal(expected.Caption, actual.GetProperty("caption").GetString());
        Assert.Equal(expected.Tokens, actual.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal(expected.LogProb, actual.GetProperty("logprob").GetDouble(), tolerance);
        Assert.Equal(expected.Score, actual.GetProperty("score").GetDouble(), tolerance);
        if (actual.TryGetProperty("attention", out var attention))
        {
            var rows = attention.GetProperty("weights").EnumerateArray().ToList();
            Assert.Equal(expected.Attention.Weights.Length, rows.Count);
            for (int t = 0; t < rows.Count; t++)
            {
                var row = rows[t].EnumerateArray().Select(w => w.GetSingle()).ToArray();
                Assert.Equal(expected.Attention.Weights[t].Length, row.Length);
                for (int r = 0; r < row.Length; r++) Assert.Equal(expected.Attention.Weights[t][r], row[r], (float)tolerance);
            }
        }
        if (actual.TryGetProperty("alternatives", out var alternatives))
        {
            var list = alternatives.EnumerateArray().ToList();
            Assert.Equal(expected.Alternatives.Count, list.Count);
            for (int i = 0; i < list.Count; i++)
            {
                Assert.Equal(expected.Alternatives[i].Caption, list[i].GetProperty("caption").GetString());
                Assert.Equal(expected.Alternatives[i].Score, list[i].GetProperty("score").GetDouble(), tolerance);
            }
        }
    }

    /// <summary>
    /// Batching changes the shapes libtorch multiplies and so the order of float32 sums: batched log-probabilities and
    /// attention weights agree with unbatched ones to about 1e-6, not bit for bit (tokens agree exactly). Alone, a
    /// request is compared bit for bit.
    /// </summary>
    public const double BatchedTolerance = 1e-5;
}
