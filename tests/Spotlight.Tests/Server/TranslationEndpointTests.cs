using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spotlight.Translation;

namespace Spotlight.Tests.Server;

[Collection(ServerCollection.Name)]
public class TranslationEndpointTests(ServerFixture fixture, TaskModelsFixture tasks) : IClassFixture<TaskModelsFixture>
{
    private static Task<HttpResponseMessage> Post(HttpClient client, string body, string contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync("/v1/translations", content);
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task One_sentence_gets_the_translation_the_library_gives()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        var json = await Ok(await Post(server.Client, """{"text": "abcde"}"""));
        var expected = tasks.Translator.Translate(["abcde"], new TranslateOptions(Beam: 5))[0];
        var served = json.GetProperty("translations").EnumerateArray().Single();
        Assert.Equal("abcde", served.GetProperty("source").GetString());
        Assert.Equal(expected.SourcePieces, served.GetProperty("source_pieces").EnumerateArray().Select(p => p.GetString()));
        var best = served.GetProperty("hypotheses").EnumerateArray().Single();
        Assert.Equal(expected.Best.Text, best.GetProperty("text").GetString());
        Assert.Equal(expected.Best.Pieces, best.GetProperty("pieces").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(expected.Best.LogProb, best.GetProperty("log_prob").GetDouble(), 1e-5);
        Assert.False(best.TryGetProperty("attention", out _));   // only when asked
        Assert.Equal(tasks.Models.Translation!.Info.Id, json.GetProperty("model").GetString());
        Assert.Equal(5, json.GetProperty("settings").GetProperty("beam").GetInt32());
    }

    [Fact]
    public async Task A_batch_returns_nbest_lists_with_attention_rows_over_the_source_that_sum_to_one()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        string[] texts = ["abc", "hgfedcba", "ddd"];
        var json = await Ok(await Post(server.Client, """{"texts": ["abc", "hgfedcba", "ddd"], "beam": 3, "nbest": 2, "attention": true, "length_penalty": "none"}"""));
        var expected = tasks.Translator.Translate(texts, new TranslateOptions(Beam: 3, NBest: 2, LengthPenalty: Spotlight.Decoding.LengthPenaltyKind.None));
        var served = json.GetProperty("translations").EnumerateArray().ToList();
        Assert.Equal(3, served.Count);
        for (int i = 0; i < 3; i++)
        {
            var hypotheses = served[i].GetProperty("hypotheses").EnumerateArray().ToList();
            Assert.Equal(2, hypotheses.Count);
            int sourceLength = served[i].GetProperty("source_pieces").GetArrayLength();
            for (int h = 0; h < 2; h++)
            {
                Assert.Equal(expected[i].Hypotheses[h].Text, hypotheses[h].GetProperty("text").GetString());
                Assert.Equal(expected[i].Hypotheses[h].Score, hypotheses[h].GetProperty("score").GetDouble(), 1e-5);
                var rows = hypotheses[h].GetProperty("attention").EnumerateArray().ToList();
                Assert.Equal(expected[i].Hypotheses[h].Attention!.Length, rows.Count);
                foreach (var row in rows)
                {
                    Assert.Equal(sourceLength, row.GetArrayLength());
                    Assert.Equal(1.0, row.EnumerateArray().Sum(w => w.GetDouble()), 4);
                }
            }
        }
    }

    [Theory]
    [InlineData("text/plain", "abc", 415, "unsupported-content-type")]
    [InlineData("application/json", "{\"text\": ", 400, "bad-json")]
    [InlineData("application/json", "{\"txt\": \"abc\"}", 400, "bad-json")]
    [InlineData("application/json", "{\"text\": 5}", 400, "bad-json")]
    [InlineData("application/json", "{\"text\": \"abc\", \"texts\": [\"abc\"]}", 400, "bad-json")]
    [InlineData("application/json", "{}", 400, "bad-json")]
    [InlineData("application/json", "null", 400, "bad-json")]
    [InlineData("application/json", "{\"text\": \"   \"}", 422, "bad-text")]
    [InlineData("application/json", "{\"texts\": []}", 422, "bad-text")]
    [InlineData("application/json", "{\"text\": \"abc\", \"beam\": 0}", 400, "bad-setting")]
    [InlineData("application/json", "{\"text\": \"abc\", \"beam\": 2, \"nbest\": 3}", 400, "bad-setting")]
    [InlineData("application/json", "{\"text\": \"abc\", \"length_penalty\": \"wild\"}", 400, "bad-setting")]
    [InlineData("application/json", "", 400, "empty-body")]
    public async Task Bad_requests_get_a_problem_and_the_server_keeps_translating(string contentType, string body, int status, string slug)
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        await Http.AssertProblem(await Post(server.Client, body, contentType), (HttpStatusCode)status, slug);
        await Ok(await Post(server.Client, """{"text": "abc"}"""));
    }

    [Fact]
    public async Task Too_many_or_too_long_sentences_are_refused_with_the_limit()
    {
        var options = new Spotlight.Server.ServerOptions { MaxSentences = 2, MaxSentenceChars = 10 };
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, options, tasks.Models);
        var many = await Http.AssertProblem(await Post(server.Client, """{"texts": ["a", "b", "c"]}"""), HttpStatusCode.UnprocessableEntity, "bad-text");
        Assert.Contains("limit is 2", many.GetProperty("detail").GetString());
        var longOne = await Http.AssertProblem(await Post(server.Client, """{"texts": ["a", "abcdefghabc"]}"""), HttpStatusCode.UnprocessableEntity, "bad-text");
        Assert.Contains("\"texts\"[1] has 11 characters", longOne.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_a_translation_model_the_endpoint_says_how_to_start_one()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var problem = await Http.AssertProblem(await Post(server.Client, """{"text": "abc"}"""), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("--translation-model", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_model_list_names_every_served_model()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        var json = await Ok(await server.Client.GetAsync("/v1/models"));
        var tasksServed = json.EnumerateArray().Select(m => (m.GetProperty("task").GetString(), m.GetProperty("endpoint").GetString())).ToList();
        Assert.Equal([("captioning", "/v1/captions"), ("translation", "/v1/translations"), ("inpainting", "/v1/inpaint")], tasksServed);
        Assert.Equal("RnnSearch", json[1].GetProperty("config").GetProperty("Arch").GetString());
    }
}
