using System.IO.Compression;
using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class MeteorParaphraseTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "spotlight-para-" + Guid.NewGuid().ToString("N"));

    public MeteorParaphraseTests() => Directory.CreateDirectory(directory);

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }

    private const string Table = "0.5\nriding his bike\nrides a bicycle\n0.25\ndown the hill\ndownhill\n";

    [Fact]
    public void A_gzipped_table_loads_like_the_plain_one()
    {
        string gz = Path.Combine(directory, "paraphrase-en.gz");
        using (var file = File.Create(gz))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new StreamWriter(zip))
            writer.Write(Table);
        var table = ParaphraseTable.Load(gz);
        Assert.Equal(2, table.Count);

        // "a man riding his bike downhill" vs "a man rides a bicycle down the hill": both phrases align, so every
        // word is matched (3 + 1 hypothesis words by paraphrase) in one chunk.
        var meteor = new Meteor(new MeteorOptions(Modules: new[] { MeteorModule.Exact, MeteorModule.Paraphrase }), paraphrases: table);
        var stats = meteor.SegmentStatistics("a man riding his bike downhill", new[] { "a man rides a bicycle down the hill" });
        Assert.Equal(6.0, stats.TestMatches);
        Assert.Equal(8.0, stats.ReferenceMatches);
        Assert.Equal(1.0, stats.Chunks);
    }

    [Fact]
    public void A_truncated_record_names_the_file_and_line()
    {
        var ex = Assert.Throws<SpotlightException>(() =>
            ParaphraseTable.Read(new StringReader("0.5\nriding his bike\n"), "table.txt"));
        Assert.Equal("table.txt:2: record is missing its paraphrase line", ex.Message);
    }

    [Fact]
    public void A_missing_table_is_a_clear_error()
    {
        var ex = Assert.Throws<SpotlightException>(() => new Meteor(new MeteorOptions(ParaphraseFile: "/nonexistent/p.gz")));
        Assert.Equal("paraphrase table '/nonexistent/p.gz' does not exist", ex.Message);
    }
}
