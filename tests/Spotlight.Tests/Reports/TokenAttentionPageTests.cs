using System.Text.RegularExpressions;
using Spotlight.Inpainting;
using Spotlight.IO;
using Spotlight.Reports;
using Spotlight.Tests.Checkpoints;
using Spotlight.Vision;

namespace Spotlight.Tests.Reports;

public class TokenAttentionPageTests
{
    private static readonly byte[] Picture = PngFile.Encode(SyntheticTextures.Render(16, 1, 0));

    /// <summary>Three tokens on a 2×2 grid: the first two with maps (all weight top-left, then bottom-right), the last without.</summary>
    private static TokenAttentionItem Item(ReportImage image) =>
        new(image, ["what", "<colour>", "?"], [[1f, 0, 0, 0], [0, 0, 0, 1f]], 2, 2) { Meta = "answer: red", Notes = ["hop 1", "a & b"] };

    [Fact]
    public void Each_token_with_a_map_shows_its_overlay_and_the_rest_are_plain_text()
    {
        using var dir = new TempDirectory();
        var index = TokenAttentionPage.Write(dir.Path, [Item(ReportImage.FromBytes("q.png", Picture))], "VQA <test>");
        Assert.Equal(dir.File("index.html"), index);
        var html = File.ReadAllText(index);
        Assert.Contains("<h1>VQA &lt;test&gt;</h1>", html);
        Assert.Contains("<span class=\"token\" tabindex=\"0\" data-map=\"img0000_w00.png\">what</span>", html);
        Assert.Contains("<span class=\"token\" tabindex=\"0\" data-map=\"img0000_w01.png\">&lt;colour&gt;</span>", html);
        Assert.Contains("<span>?</span>", html);
        Assert.Equal(2, Regex.Matches(html, "class=\"token\"").Count);
        Assert.Contains("<p class=\"meta\">answer: red</p>", html);
        Assert.Contains("<li>a &amp; b</li>", html);
        Assert.Contains("alt=\"q.png\"", html);
        Assert.Equal(["img0000.png", "img0000_w00.png", "img0000_w01.png", "index.html"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_overlay_is_the_attention_overlay_of_its_map_on_the_image()
    {
        using var dir = new TempDirectory();
        var path = dir.File("photo.png");
        File.WriteAllBytes(path, Picture);
        TokenAttentionPage.Write(dir.File("page"), [Item(ReportImage.FromFile(path))], "t");
        using var image = ImageDecoder.Decode(path);
        using var expected = AttentionOverlay.Render(image, [0, 0, 0, 1f], 2, 2);
        using var written = ImageDecoder.Decode(Path.Combine(dir.File("page"), "img0000_w01.png"));
        Assert.Equal((expected.Width, expected.Height), (written.Width, written.Height));
        Assert.Equal(expected.Bytes, written.Bytes);
        Assert.Contains("alt=\"photo.png\"", File.ReadAllText(Path.Combine(dir.File("page"), "index.html")));
    }

    [Fact]
    public void A_map_of_the_wrong_size_or_one_map_too_many_is_refused_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var image = ReportImage.FromBytes("q.png", Picture);
        var wrongSize = Item(image) with { Maps = [[1f, 0, 0]] };
        var e = Assert.Throws<ArgumentException>(() => TokenAttentionPage.Write(dir.File("a"), [wrongSize], "t"));
        Assert.Contains("map 0 has 3 weights, the 2x2 grid needs 4", e.Message);
        var tooMany = new TokenAttentionItem(image, ["one"], [[1f, 0, 0, 0], [1f, 0, 0, 0]], 2, 2);
        Assert.Contains("2 attention maps for 1 tokens", Assert.Throws<ArgumentException>(() => TokenAttentionPage.Write(dir.File("a"), [tooMany], "t")).Message);
        Assert.False(Directory.Exists(dir.File("a")));
    }

    [Fact]
    public void Writing_again_replaces_the_page_and_leaves_no_temporary_files()
    {
        using var dir = new TempDirectory();
        var image = ReportImage.FromBytes("q.png", Picture);
        TokenAttentionPage.Write(dir.Path, [Item(image)], "first");
        TokenAttentionPage.Write(dir.Path, [Item(image)], "second");
        Assert.Contains("<h1>second</h1>", File.ReadAllText(dir.File("index.html")));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => Path.GetFileName(f).StartsWith(AtomicFile.TempPrefix));
    }
}
