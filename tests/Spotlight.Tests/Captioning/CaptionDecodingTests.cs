using Spotlight.Captioning;
using Spotlight.Decoding;
using Spotlight.Tests.Vision;
using TorchSharp;

namespace Spotlight.Tests.Captioning;

[Collection(TinyCaptioningCollection.Name)]
public class CaptionDecodingTests(TinyCaptioningData data)
{
    private IReadOnlyList<string> TestImages(int count) => data.Dataset.Split("test").Images.Take(count).Select(i => i.ImagePath).ToList();

    [Fact]
    public void Beam_of_width_one_equals_greedy()
    {
        using var model = data.RandomModel();
        using var scope = torch.NewDisposeScope();
        var images = torch.stack(TestImages(4).Select(model.LoadImage).ToArray());
        var options = new DecodeOptions(BeamSize: 1, MaxLength: 12);
        var regions = model.Network.Encoder.Encode(images);
        var greedy = Greedy.Decode(model.Network.Decoder.DecodeStep, model.Network.Decoder.Start(regions), 4, options);
        var beam = BeamSearch.Decode(model.Network.Decoder.DecodeStep, model.Network.Decoder.Start(regions), 4, options);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(greedy[i].Tokens, beam[i][0].Tokens);
            Assert.Equal(greedy[i].LogProb, beam[i][0].LogProb, 1e-5);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Batched_captions_equal_one_by_one(int beam)
    {
        using var model = data.RandomModel();
        var files = TestImages(6);
        var options = new CaptionOptions(Beam: beam, MaxLength: 12);
        var batched = model.CaptionFiles(files, options);
        for (int i = 0; i < files.Count; i++)
        {
            var alone = model.CaptionFiles([files[i]], options)[0];
            Assert.Equal(alone.Tokens, batched[i].Tokens);
            Assert.Equal(alone.LogProb, batched[i].LogProb, 1e-4);
            for (int t = 0; t < alone.Attention.Weights.Length; t++)
                for (int r = 0; r < alone.Attention.Weights[t].Length; r++)
                    Assert.Equal(alone.Attention.Weights[t][r], batched[i].Attention.Weights[t][r], 1e-4);
        }
    }

    [Fact]
    public void Every_word_has_an_attention_map_over_the_grid_that_sums_to_one()
    {
        using var model = data.RandomModel();
        var result = model.CaptionFiles(TestImages(2), new CaptionOptions(Beam: 3, MaxLength: 10));
        foreach (var r in result)
        {
            Assert.Equal(r.Tokens.Count, r.Attention.Weights.Length);
            Assert.Equal(8, r.Attention.GridHeight);
            Assert.Equal(8, r.Attention.GridWidth);
            foreach (var row in r.Attention.Weights)
            {
                Assert.Equal(64, row.Length);
                Assert.Equal(1.0, row.Sum(w => (double)w), 4);
            }
        }
    }

    [Fact]
    public void Saving_and_loading_gives_identical_captions()
    {
        using var model = data.RandomModel();
        using var dir = new TempDirectory();
        var files = TestImages(4);
        var before = model.CaptionFiles(files, new CaptionOptions(Beam: 3, MaxLength: 12));
        model.Save(dir.File("m.spotlight"));
        using var loaded = CaptionModel.Load(dir.File("m.spotlight"));
        var after = loaded.CaptionFiles(files, new CaptionOptions(Beam: 3, MaxLength: 12));
        Assert.Equal(before.Select(r => r.Caption), after.Select(r => r.Caption));
        Assert.Equal(before.Select(r => r.LogProb), after.Select(r => r.LogProb));
        Assert.Equal(model.Vocabulary.Tokens, loaded.Vocabulary.Tokens);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(model.Config, CaptionModel.Json),
            System.Text.Json.JsonSerializer.Serialize(loaded.Config, CaptionModel.Json));
    }

    [Fact]
    public void A_model_file_of_another_kind_or_a_random_file_is_refused_with_its_name()
    {
        using var dir = new TempDirectory();
        var junk = dir.Write("junk.spotlight", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        var e = Assert.Throws<SpotlightException>(() => CaptionModel.Load(junk));
        Assert.Contains("junk.spotlight", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
