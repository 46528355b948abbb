using System.Net.Http.Headers;
using System.Text;
using SkiaSharp;
using Spotlight.Captioning;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Server;

/// <summary>
/// One generated request for the soak test: how to build it (a fresh message per send), which status it must get
/// (null: a fuzzed image, which may decode and so may be 200, but never 5xx) and, for a good one, its reference.
/// </summary>
public sealed record SoakRequest(string Kind, Func<HttpRequestMessage> Build, int[]? Statuses, CaptionResult? Expected);

/// <summary>The soak test's request mix: mostly broken in every way the server must survive, some good.</summary>
internal static class SoakRequests
{
    public static List<SoakRequest> Generate(ServerFixture fixture, int seed, long maxBodyBytes)
    {
        var random = new Random(seed);
        var images = Formats(fixture);
        var requests = new List<SoakRequest>();
        void Add(int count, Func<int, SoakRequest> make) { for (int i = 0; i < count; i++) requests.Add(make(i)); }

        Add(200, _ =>
        {
            var source = images[random.Next(images.Count)];
            return Raw("truncated", BadImages.Truncated(source, random.Next(1, source.Length)), statuses: null);
        });
        Add(200, _ => Raw("bit-flipped", BadImages.BitFlipped(images[random.Next(images.Count)], random, random.Next(1, 9)), statuses: null));
        Add(150, _ =>
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);
            return Raw("random-bytes", bytes, statuses: null);
        });
        Add(100, i =>
        {
            byte[][] signatures = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], "GIF89a"u8.ToArray(), "BM"u8.ToArray()];
            var garbage = new byte[random.Next(0, 512)];
            random.NextBytes(garbage);
            // A random GIF or BMP header may claim more pixels than the limit (413); otherwise the data is corrupt (422).
            return Raw("signature-then-garbage", [.. signatures[i % signatures.Length], .. garbage], 413, 422);
        });
        Add(100, i =>
        {
            int side = random.Next(1001, 60000);   // every side over 1000: more than the 1 Mpx limit
            var bomb = (i % 3) switch
            {
                0 => BadImages.PngClaiming(side, side),
                1 => BadImages.BmpClaiming(side, side),
                _ => BadImages.GifClaiming(side, Math.Min(side, 65535)),
            };
            return Raw("header-bomb", bomb, 413);
        });
        string?[] contentTypes = [null, "text/plain", "application/json", "%%%", "video/mp4", "application/x-www-form-urlencoded"];
        Add(100, i => Raw("content-type", fixture.Images[i % fixture.Images.Count], [415], contentTypes[i % contentTypes.Length]));
        string[] malformed = ["?beam=1e3", "?max_length=", "?attention=maybe", "?beam=1&beam=1", "?unknown=1", "?beam=%00", "?top_p=x&sample=1"];
        Add(100, i => Raw("bad-parameter", fixture.Images[i % fixture.Images.Count], [400], "image/png", malformed[i % malformed.Length]));
        string[] outOfRange = ["?beam=0", "?beam=-1", "?beam=11", "?max_length=10000", "?alternatives=0", "?beam=1&alternatives=2", "?max_length=-5",
            "?sample=true&top_p=3", "?temperature=2", "?repetition_penalty=0"];
        Add(100, i => Raw("bad-decoding-parameter", fixture.Images[i % fixture.Images.Count], [422], "image/png", outOfRange[i % outOfRange.Length]));
        Add(50, _ => Raw("empty", [], 400));
        Add(50, _ => Raw("oversized", new byte[maxBodyBytes + 1 + random.Next(10_000)], 413));
        Add(50, i => (i % 3) switch
        {
            0 => Form("form-without-image", fixture.Images[0], "picture", [400]),
            1 => Raw("form-without-boundary", fixture.Images[0], [400], "multipart/form-data"),
            _ => Raw("form-cut-short", Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nxx"), [400], "multipart/form-data; boundary=b"),
        });

        Add(160, i =>
        {
            int image = random.Next(fixture.Images.Count);
            bool beam = i % 2 == 1;
            var options = beam ? ServerFixture.Beam3 : ServerFixture.Greedy;
            var query = beam ? "?beam=3&alternatives=3&attention=true" : "?beam=1";
            return i % 4 < 2
                ? Raw("good", fixture.Images[image], [200], "image/png", query) with { Expected = fixture.Reference(image, options) }
                : Form("good", fixture.Images[image], "image", [200], query) with { Expected = fixture.Reference(image, options) };
        });
        return [.. requests.OrderBy(_ => random.Next())];   // interleaved
    }

    /// <summary>The test scenes as PNG, JPEG, WebP and BMP, the sources that get cut and bit-flipped.</summary>
    private static List<byte[]> Formats(ServerFixture fixture)
    {
        var formats = new List<byte[]>(fixture.Images);
        foreach (var png in fixture.Images.Take(3))
        {
            using var bitmap = SKBitmap.Decode(png);
            formats.Add(TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, 90));
            formats.Add(TestImages.WebpLossless(bitmap));
            formats.Add(TestImages.Bmp24(bitmap.Width, bitmap.Height, (x, y) =>
            {
                var c = bitmap.GetPixel(x, y);
                return (c.Red, c.Green, c.Blue);
            }));
        }
        return formats;
    }

    private static SoakRequest Raw(string kind, byte[] body, params int[]? statuses) => Raw(kind, body, statuses, "image/png");

    private static SoakRequest Raw(string kind, byte[] body, int[]? statuses, string? contentType, string query = "") =>
        new(kind, () =>
        {
            var content = new ByteArrayContent(body);
            if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return new HttpRequestMessage(HttpMethod.Post, "/v1/captions" + query) { Content = content };
        }, statuses, null);

    private static SoakRequest Form(string kind, byte[] image, string field, int[] statuses, string query = "") =>
        new(kind, () =>
        {
            var part = new ByteArrayContent(image);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var form = new MultipartFormDataContent { { part, field, "scene.png" } };
            return new HttpRequestMessage(HttpMethod.Post, "/v1/captions" + query) { Content = form };
        }, statuses, null);
}
