using Spotlight.Captioning;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Vision;
using TorchSharp;

namespace Spotlight.Tests.Lab;

[Collection(TinyCaptioningCollection.Name)]
public class InitEmbeddingsTrainingTests(TinyCaptioningData data)
{
    [Fact]
    public void Training_starts_the_found_words_from_the_file_and_logs_the_missing_count()
    {
        using var dir = new TempDirectory();
        var vectors = dir.File("vectors.txt");
        int dim = TinyCaptioningData.Config().EmbedDim;
        File.WriteAllText(vectors, $"a {string.Join(' ', Enumerable.Repeat("0.5", dim))}\nnotaword {string.Join(' ', Enumerable.Repeat("1", dim))}\n");
        var observer = new RecordingObserver();
        // A vanishing learning rate: after one epoch the embeddings are still where they started.
        var options = TinyCaptioningData.Options with { Epochs = 1, LearningRate = 1e-12, InitEmbeddings = vectors };
        var result = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options, observer).Train(dir.File("m.spotlight"));

        using var model = CaptionModel.Load(result.LastModelPath);
        var embeddings = model.Network.Decoder.WordEmbeddings.detach();
        var rowOfA = embeddings[model.Vocabulary.Id("a")].data<float>().ToArray();
        Assert.All(rowOfA, v => Assert.Equal(0.5f, v, 5));
        var other = model.Vocabulary.Tokens.First(t => t is not "a" && !Spotlight.Text.Vocabulary.Specials.Contains(t));
        Assert.Contains(embeddings[model.Vocabulary.Id(other)].data<float>().ToArray(), v => Math.Abs(v - 0.5f) > 1e-3);
        int words = model.Vocabulary.Count - Spotlight.Text.Vocabulary.Specials.Count;
        Assert.Contains(observer.Messages, m => m.StartsWith($"word embeddings: 1 of {words} vocabulary words start from {vectors} (2 vectors); {words - 1} missing keep their random start", StringComparison.Ordinal));
    }
}
