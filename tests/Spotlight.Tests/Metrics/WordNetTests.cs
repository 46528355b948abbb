using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

/// <summary>A tiny WordNet database in the real files' format, written to a temporary directory.</summary>
public sealed class WordNetFixture : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "spotlight-wordnet-" + Guid.NewGuid().ToString("N"));

    public WordNetFixture()
    {
        System.IO.Directory.CreateDirectory(Directory);
        const string header = "  1 This software and database is being provided to you, the LICENSEE, by\n";
        // "run" (verb) shares the number 02084071 with "dog" (noun): different synsets in different data files.
        Write("index.noun", header +
            "box n 1 0 1 0 02883344  \n" +
            "dog n 2 1 @ 2 1 02084071 10114209  \n" +
            "domestic_dog n 1 1 @ 1 0 02084071  \n" +
            "horse n 1 0 1 0 02374451  \n" +
            "lady n 1 0 1 0 09847543  \n" +
            "mouse n 1 0 1 0 02330245  \n");
        Write("index.verb", header + "run v 1 0 1 0 02084071  \n" + "walk v 1 0 1 0 01904930  \n");
        Write("index.adj", header + "big a 1 0 1 0 01382086  \n" + "large a 1 0 1 0 01382086  \n");
        Write("index.adv", header);
        Write("noun.exc", "mice mouse\n");
        Write("verb.exc", "ran run\n");
        Write("adj.exc", "bigger big\n");
        Write("adv.exc", "");
    }

    public void Write(string name, string text) => File.WriteAllText(Path.Combine(Directory, name), text);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Runs only where Debian's wordnet-base is installed, and says so when it is not.</summary>
public sealed class WordNetInstalledFactAttribute : FactAttribute
{
    public const string Path = "/usr/share/wordnet";

    /// <summary>The installed WordNet, loaded once for all tests that use it (loading takes about a second).</summary>
    public static readonly Lazy<WordNetSynonyms> Installed = new(() => WordNetSynonyms.LoadWordNet(Path));

    public WordNetInstalledFactAttribute()
    {
        if (!File.Exists(System.IO.Path.Combine(Path, "index.noun")))
            Skip = $"WordNet is not installed at {Path}: run `apt-get install wordnet-base` to run this test";
    }
}

public class WordNetTests : IClassFixture<WordNetFixture>
{
    private readonly WordNetFixture fixture;
    private readonly WordNetSynonyms wordNet;

    public WordNetTests(WordNetFixture fixture)
    {
        this.fixture = fixture;
        wordNet = WordNetSynonyms.LoadWordNet(fixture.Directory);
    }

    [Fact]
    public void Lemmas_of_one_synset_share_it()
    {
        Assert.True(wordNet.Synsets("dog").Overlaps(wordNet.Synsets("domestic_dog")));
        Assert.True(wordNet.Synsets("big").Overlaps(wordNet.Synsets("large")));
        Assert.Equal(10, wordNet.WordCount);
    }

    [Fact]
    public void Equal_offsets_in_different_parts_of_speech_are_different_synsets()
    {
        Assert.False(wordNet.Synsets("dog").Overlaps(wordNet.Synsets("run")));
    }

    [Fact]
    public void Exception_lists_give_irregular_base_forms()
    {
        Assert.Equal(wordNet.Synsets("mouse"), wordNet.StemSynsets("mice"));
        Assert.Equal(wordNet.Synsets("run"), wordNet.StemSynsets("ran"));
    }

    [Theory]
    [InlineData("dogs", "dog")]       // noun rule s → ""
    [InlineData("boxes", "box")]      // "boxe" is no lemma; xes → x is
    [InlineData("ladies", "lady")]    // ies → y
    [InlineData("walked", "walk")]    // verb rule ed → ""
    [InlineData("walking", "walk")]   // ing → ""
    public void Morphological_rules_find_the_first_base_form_that_is_a_lemma(string form, string lemma)
    {
        Assert.NotEmpty(wordNet.Synsets(lemma));
        Assert.Equal(wordNet.Synsets(lemma), wordNet.StemSynsets(form));
    }

    [Fact]
    public void Words_ending_in_ss_and_unknown_forms_have_no_base_synsets()
    {
        Assert.Empty(wordNet.StemSynsets("dogss"));
        Assert.Empty(wordNet.StemSynsets("zzzs"));
    }

    [Fact]
    public void Meteor_format_files_key_synsets_by_offset_alone()
    {
        // METEOR's english.synsets drops the part of speech, so equal offsets collide (dog ~ run here).
        fixture.Write("english.synsets", "dog\n02084071 10114209\nrun\n02084071\ncat\n02121620\n");
        fixture.Write("english.exceptions", "mouse\nmice\n");
        var meteorFiles = WordNetSynonyms.LoadMeteorFiles(Path.Combine(fixture.Directory, "english.synsets"),
            Path.Combine(fixture.Directory, "english.exceptions"));
        Assert.True(meteorFiles.Synsets("dog").Overlaps(meteorFiles.Synsets("run")));
        Assert.Empty(meteorFiles.StemSynsets("mice"));          // "mouse" has no synsets in this file
        Assert.Equal(3, meteorFiles.WordCount);
    }

    [Fact]
    public void A_malformed_index_line_names_the_file_and_line()
    {
        using var bad = new WordNetFixture();
        bad.Write("index.verb", "run v 3 0 1 0 02084071\n");
        var ex = Assert.Throws<SpotlightException>(() => WordNetSynonyms.LoadWordNet(bad.Directory));
        Assert.Equal($"{Path.Combine(bad.Directory, "index.verb")}:1: not a WordNet index line", ex.Message);
    }

    [Fact]
    public void A_missing_directory_says_how_to_get_wordnet()
    {
        var ex = Assert.Throws<SpotlightException>(() => WordNetSynonyms.LoadWordNet("/nonexistent/wordnet"));
        Assert.Contains("apt-get install wordnet-base", ex.Message);
    }

    [WordNetInstalledFact]
    public void Debian_wordnet_knows_common_caption_synonyms()
    {
        var real = WordNetInstalledFactAttribute.Installed.Value;
        Assert.True(real.WordCount > 140_000);                       // WordNet 3.0 has 147,306 lemmas
        Assert.True(real.Synsets("large").Overlaps(real.Synsets("big")));
        Assert.True(real.StemSynsets("men").Overlaps(real.Synsets("man")));      // via noun.exc
        Assert.True(real.StemSynsets("riding").Overlaps(real.Synsets("ride")));  // via the ing → e rule
    }
}
