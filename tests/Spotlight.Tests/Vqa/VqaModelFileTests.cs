using Spotlight.Tests.Vision;
using Spotlight.Vqa;
using Spotlight.Vqa.Data;
using TorchSharp;

namespace Spotlight.Tests.Vqa;

public class VqaModelFileTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    /// <summary>An untrained tiny model with the fixture set's vocabularies: enough for files, commands and errors.</summary>
    internal static VqaModel Untrained(VqaDataset data, VqaModelKind kind = VqaModelKind.StackedAttention, int seed = 1)
    {
        var (vocabulary, answers) = VqaTrainer.Vocabularies(data.Split("train"));
        torch.manual_seed(seed);
        var config = VqaConfig.Tiny with { Model = kind, QuestionVocabSize = vocabulary.Count, AnswerCount = answers.Count };
        return new VqaModel(new VqaNetwork(config), vocabulary, answers, "{\"note\":\"untrained\"}");
    }

    [Theory]
    [InlineData(VqaModelKind.StackedAttention)]
    [InlineData(VqaModelKind.Blind)]
    public void A_saved_model_loads_with_its_vocabularies_and_config_and_answers_the_same(VqaModelKind kind)
    {
        using var dir = new TempDirectory();
        using var model = Untrained(set.Data, kind);
        model.Save(dir.File("m.spotlight"));
        using var loaded = VqaModel.Load(dir.File("m.spotlight"));
        Assert.Equal(model.Config with { EncoderChannels = null }, loaded.Config with { EncoderChannels = null });
        Assert.Equal(model.Config.Encoder.StageChannels, loaded.Config.Encoder.StageChannels);
        Assert.Equal(model.Answers, loaded.Answers);
        Assert.Equal(model.QuestionVocabulary.Tokens, loaded.QuestionVocabulary.Tokens);
        Assert.Equal("{\"note\":\"untrained\"}", loaded.SummaryJson);
        var q = set.Data.Split("test")[0];
        var image = set.Data.ImagePath(q.ImageId);
        var (a, b) = (model.Ask(image, q.Question), loaded.Ask(image, q.Question));
        Assert.Equal(a.Top.Select(t => t.Answer), b.Top.Select(t => t.Answer));
        Assert.Equal(a.Probability, b.Probability, 5);
        Assert.Equal(kind == VqaModelKind.Blind ? 0 : 2, b.HopMaps.Count);
    }

    [Fact]
    public void The_relational_terms_survive_the_file_and_files_made_before_them_load_without_them()
    {
        using var dir = new TempDirectory();
        var (vocabulary, answers) = VqaTrainer.Vocabularies(set.Data.Split("train"));
        torch.manual_seed(2);
        var config = VqaConfig.Tiny with { QuestionVocabSize = vocabulary.Count, AnswerCount = answers.Count, RelativePositions = true, Counting = true, AnswerFromLastHop = true };
        using (var model = new VqaModel(new VqaNetwork(config), vocabulary, answers)) model.Save(dir.File("r.spotlight"));
        using (var loaded = VqaModel.Load(dir.File("r.spotlight")))
            Assert.True(loaded.Config.RelativePositions && loaded.Config.Counting && loaded.Config.AnswerFromLastHop);
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(config, VqaModel.Json))!.AsObject();
        var names = json.Select(p => p.Key).Where(k => k.Contains("relative", StringComparison.OrdinalIgnoreCase) || k.Contains("counting", StringComparison.OrdinalIgnoreCase) || k.Contains("last", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(3, names.Count);
        foreach (var name in names) json.Remove(name);
        var old = System.Text.Json.JsonSerializer.Deserialize<VqaConfig>(json.ToJsonString(), VqaModel.Json)!;
        Assert.False(old.RelativePositions || old.Counting || old.AnswerFromLastHop);
        // Off, they are not written at all: a checkpoint's config entry reads as before, so older runs resume.
        var plain = System.Text.Json.JsonSerializer.Serialize(config with { RelativePositions = false, Counting = false, AnswerFromLastHop = false }, VqaModel.Json);
        Assert.Equal(json.ToJsonString(), System.Text.Json.Nodes.JsonNode.Parse(plain)!.ToJsonString());
    }

    [Fact]
    public void Another_kind_of_model_file_is_refused_with_one_line()
    {
        using var dir = new TempDirectory();
        using var model = Untrained(set.Data);
        Spotlight.Checkpoints.ModelFile.Save(dir.File("other.spotlight"), "captioner", model.Network, new Dictionary<string, string> { ["config"] = "{}" });
        var e = Assert.Throws<SpotlightException>(() => VqaModel.Load(dir.File("other.spotlight")));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("?!", "no words")]
    [InlineData("zebra quantum lighthouse", "none of the question's words")]
    public void Questions_the_model_cannot_read_are_refused(string question, string expected)
    {
        using var model = Untrained(set.Data);
        var e = Assert.Throws<SpotlightException>(() => model.EncodeQuestion(question));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_two_thousand_character_question_is_refused_before_it_is_read()
    {
        using var model = Untrained(set.Data);
        var e = Assert.Throws<SpotlightException>(() => model.EncodeQuestion(string.Concat(Enumerable.Repeat("what colour ", 200))[..2000]));
        Assert.Contains("2000 characters", e.Message);
    }
}
