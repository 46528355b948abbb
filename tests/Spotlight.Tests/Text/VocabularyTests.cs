using Spotlight.Text;

namespace Spotlight.Tests.Text;

public class VocabularyTests
{
    private static readonly IReadOnlyList<string>[] Captions =
    [
        ["a", "red", "circle"],
        ["a", "blue", "circle"],
        ["a", "red", "square"],
    ];

    [Fact]
    public void Specials_come_first_then_words_by_count_then_alphabetically()
    {
        // Counts: a 3, circle 2, red 2, blue 1, square 1 → ties broken in ordinal order.
        var vocab = Vocabulary.Build(Captions, minCount: 1);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "a", "circle", "red", "blue", "square"], vocab.Tokens);
        Assert.Equal((0, 1, 2, 3), (Vocabulary.Pad, Vocabulary.Start, Vocabulary.End, Vocabulary.Unknown));
        Assert.Equal(9, vocab.Count);
        Assert.Equal("red", vocab.Token(6));
        Assert.Equal(6, vocab.Id("red"));
    }

    [Fact]
    public void Rare_words_become_unknown()
    {
        var vocab = Vocabulary.Build(Captions, minCount: 2);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "a", "circle", "red"], vocab.Tokens);
        Assert.Equal(new[] { 4, 3, 5 }, vocab.Encode(["a", "blue", "circle"]));
        Assert.Equal(Vocabulary.Unknown, vocab.Id("never-seen"));
    }

    [Fact]
    public void Decoding_skips_start_and_pad_and_stops_at_end()
    {
        var vocab = Vocabulary.Build(Captions, minCount: 1);
        var ids = vocab.Encode(["a", "red", "circle"]);
        Assert.Equal("a red circle", vocab.Decode([Vocabulary.Start, .. ids, Vocabulary.End, Vocabulary.Pad, Vocabulary.Pad]));
        Assert.Equal("a", vocab.Decode([Vocabulary.Start, ids[0], Vocabulary.End, ids[1]]));
        Assert.Equal("a red circle", vocab.Decode(ids));
    }

    [Fact]
    public void Unknown_words_are_shown_unless_asked_to_skip_them()
    {
        var vocab = Vocabulary.Build(Captions, minCount: 1);
        int[] ids = [vocab.Id("a"), Vocabulary.Unknown, vocab.Id("circle")];
        Assert.Equal("a <unk> circle", vocab.Decode(ids));
        Assert.Equal("a circle", vocab.Decode(ids, skipUnknown: true));
    }

    [Fact]
    public void An_id_outside_the_vocabulary_is_an_error()
    {
        var vocab = Vocabulary.Build(Captions, minCount: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocab.Decode([4, 99]));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocab.Token(-1));
    }

    [Fact]
    public void Json_round_trip_keeps_every_id()
    {
        var vocab = Vocabulary.Build([["zebra", "café", "\"quoted\""], ["zebra"]], minCount: 1);
        var back = Vocabulary.FromJson(vocab.ToJson());
        Assert.Equal(vocab.Tokens, back.Tokens);
        Assert.Equal(vocab.Id("café"), back.Id("café"));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"format\":\"spotlight-vocabulary\",\"version\":2,\"tokens\":[]}")]
    [InlineData("{\"format\":\"spotlight-vocabulary\",\"version\":1,\"tokens\":[\"<pad>\",\"<end>\",\"<start>\",\"<unk>\"]}")]
    [InlineData("{\"format\":\"spotlight-vocabulary\",\"version\":1,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\",\"a\",\"a\"]}")]
    [InlineData("{\"format\":\"spotlight-vocabulary\",\"version\":1,\"tokens\":[\"<pad>\",\"<start>\",\"<end>\",\"<unk>\",3]}")]
    public void Bad_vocabulary_json_is_a_one_line_error(string json)
    {
        var e = Assert.Throws<SpotlightException>(() => Vocabulary.FromJson(json));
        Assert.StartsWith("vocabulary:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Captions_longer_than_max_length_keep_their_first_words()
    {
        var vocab = Vocabulary.Build(Captions, minCount: 1);
        var ids = CaptionEncoding.Encode("A red circle, a blue square", vocab, new TextConfig(MaxLength: 3));
        Assert.Equal("a red circle", vocab.Decode(ids));
        Assert.Equal(6, CaptionEncoding.Encode("A red circle, a blue square", vocab, new TextConfig()).Length);
    }
}
