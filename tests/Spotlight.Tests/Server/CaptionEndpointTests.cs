using System.Net;
using Spotlight.Server;

namespace Spotlight.Tests.Server;

[Collection(ServerCollection.Name)]
public class CaptionEndpointTests(ServerFixture fixture)
{
    [Fact]
    public async Task A_raw_png_body_gets_the_same_caption_as_the_cli_path()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var response = await Http.PostRaw(server.Client, fixture.Images[0], "image/png", "?beam=1");
        var json = await Http.AssertCaption(response);
        Http.AssertSameCaption(fixture.Reference(0, ServerFixture.Greedy), json);
        Assert.False(json.TryGetProperty("attention", out _));      // only when asked
        Assert.False(json.TryGetProperty("alternatives", out _));
    }

    [Fact]
    public async Task A_multipart_upload_returns_attention_maps_and_alternatives_when_asked()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var response = await Http.PostForm(server.Client, fixture.Images[1], "?beam=3&alternatives=3&attention=true");
        var json = await Http.AssertCaption(response);
        var expected = fixture.Reference(1, ServerFixture.Beam3);
        Http.AssertSameCaption(expected, json);

        var attention = json.GetProperty("attention");
        Assert.Equal(fixture.Backend.Info.GridHeight, attention.GetProperty("grid_height").GetInt32());
        Assert.Equal(fixture.Backend.Info.GridWidth, attention.GetProperty("grid_width").GetInt32());
        var rows = attention.GetProperty("weights").EnumerateArray().ToList();
        Assert.Equal(expected.Tokens.Count, rows.Count);
        foreach (var row in rows)   // each map is a softmax over the grid
            Assert.Equal(1.0, row.EnumerateArray().Sum(w => w.GetDouble()), 4);

        var alternatives = json.GetProperty("alternatives").EnumerateArray().ToList();
        Assert.Equal(3, alternatives.Count);
        Assert.Equal(json.GetProperty("caption").GetString(), alternatives[0].GetProperty("caption").GetString());
        var scores = alternatives.Select(a => a.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public async Task Decoding_controls_reach_the_search_and_are_echoed_and_a_seeded_sample_repeats()
    {
        var controls = new Spotlight.Captioning.CaptionOptions(Beam: 3) { NoRepeatNgram = 1, RepetitionPenalty = 2, MinLength = 4 };
        var expected = fixture.Model.CaptionFiles([fixture.ImagePaths[2]], controls)[0];
        var sampling = new Spotlight.Captioning.CaptionOptions(Beam: 1, Alternatives: 2) { Sampling = new Spotlight.Decoding.SamplingOptions(0.9, 0, 0.95, 7) };
        var sampled = fixture.Model.CaptionFiles([fixture.ImagePaths[2]], sampling)[0];
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);

        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[2], "image/png", "?beam=3&no_repeat_ngram=1&repetition_penalty=2&min_length=4"));
        Http.AssertSameCaption(expected, json);
        var words = json.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.True(words.Count >= 4 || !json.GetProperty("finished").GetBoolean());
        Assert.Equal(words.Count, words.Distinct().Count());                  // no word twice (1-grams blocked)
        var settings = json.GetProperty("settings");
        Assert.Equal((1, 2.0, 4), (settings.GetProperty("no_repeat_ngram").GetInt32(), settings.GetProperty("repetition_penalty").GetDouble(), settings.GetProperty("min_length").GetInt32()));

        const string query = "?sample=true&temperature=0.9&top_p=0.95&seed=7&alternatives=2";
        var first = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[2], "image/png", query));
        var second = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[2], "image/png", query));
        Http.AssertSameCaption(sampled, first);                              // the library's draw, alone in its batch
        Assert.Equal(first.GetProperty("caption").GetString(), second.GetProperty("caption").GetString());
        Assert.Equal(7, first.GetProperty("settings").GetProperty("sampling").GetProperty("seed").GetInt64());
        Assert.Equal(2, first.GetProperty("alternatives").GetArrayLength());
    }

    [Fact]
    public async Task The_answer_names_the_model_and_the_image_and_accounts_for_its_time()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[2], "application/octet-stream", "?max_length=4&beam=2"));
        Http.AssertSameCaption(fixture.Reference(2, ServerFixture.Short), json);
        Assert.True(fixture.Reference(2, ServerFixture.Short).Tokens.Count <= 4);

        Assert.Equal($"tiny.spotlight@{fixture.Checksum[..12]}", json.GetProperty("model").GetString());
        var image = json.GetProperty("image");
        Assert.Equal("PNG", image.GetProperty("format").GetString());
        Assert.Equal(32, image.GetProperty("width").GetInt32());
        Assert.Equal(32, image.GetProperty("height").GetInt32());
        Assert.Equal(fixture.Images[2].Length, image.GetProperty("bytes").GetInt64());
        var settings = json.GetProperty("settings");
        Assert.Equal(2, settings.GetProperty("beam").GetInt32());
        Assert.Equal(4, settings.GetProperty("max_length").GetInt32());

        var timings = json.GetProperty("timings");
        double queue = timings.GetProperty("queue_ms").GetDouble(), decode = timings.GetProperty("decode_ms").GetDouble();
        double total = timings.GetProperty("total_ms").GetDouble();
        Assert.True(queue >= 0 && decode > 0, $"queue {queue} ms, decode {decode} ms");
        Assert.True(total >= queue + decode, $"total {total} ms < queue {queue} + decode {decode}");
        Assert.Equal(1, timings.GetProperty("batch_size").GetInt32());
    }

    [Fact]
    public async Task Every_request_writes_one_structured_log_line_with_status_latency_and_image_size()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        await Http.AssertCaption(await Http.PostRaw(server.Client, fixture.Images[0], query: "?beam=1"));
        await Http.AssertProblem(await Http.PostRaw(server.Client, [], query: "?beam=1"), HttpStatusCode.BadRequest, "empty-body");
        await server.Client.GetAsync("/healthz");

        var lines = server.Logs.Entries.Where(e => e.Category == typeof(RequestLog).FullName).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(["POST", "POST", "GET"], lines.Select(l => (string)l.Values["Method"]!));
        Assert.Equal(["/v1/captions", "/v1/captions", "/healthz"], lines.Select(l => (string)l.Values["Path"]!));
        Assert.Equal([200, 400, 200], lines.Select(l => (int)l.Values["Status"]!));
        Assert.All(lines, l => Assert.True((double)l.Values["LatencyMs"]! >= 0));
        Assert.Equal((long)fixture.Images[0].Length, (long)lines[0].Values["ImageBytes"]!);
        Assert.Equal(32L * 32, (long?)lines[0].Values["ImagePixels"]);
        Assert.False(lines[2].Values.ContainsKey("ImageBytes"));
    }
}
