using System.Text.Json;
using Spotlight.Captioning;
using Spotlight.Tests.Vision;
using Spotlight.Transformer;

namespace Spotlight.Tests.Captioning;

/// <summary><c>spotlight train --decoder transformer</c>: its options reach the model file and the schedule.</summary>
[Collection("Console")]
public class TransformerTrainCommandTests
{
    [Fact]
    public void Train_with_the_transformer_decoder_records_its_sizes_and_warms_up_then_decays()
    {
        using var data = new TinyCaptioningData();
        using var dir = new TempDirectory();
        var model = dir.File("m.spotlight");
        var (code, _, error) = CliHarness.Run("train", "--data", data.Directory, "--out", model, "--epochs", "1", "--batch-size", "16",
            "--image-size", "32", "--validation-images", "4", "--decoder", "transformer", "--layers", "1", "--encoder-layers", "1",
            "--model-dim", "16", "--heads", "2", "--ff-dim", "32", "--positions", "learned", "--no-tie", "--dropout", "0",
            "--lr", "1e-3", "--warmup", "2", "--threads", "1");
        Assert.True(code == 0, error);

        using var loaded = CaptionModel.Load(model);
        Assert.Equal(DecoderCellKind.Transformer, loaded.Config.Cell);
        Assert.Equal(new TransformerCaptionConfig(ModelDim: 16, Heads: 2, FeedForwardDim: 32, Layers: 1, EncoderLayers: 1,
            Positions: PositionKind.Learned, TieEmbeddings: false, Dropout: 0f), loaded.Config.Transformer);
        Assert.Equal(0f, loaded.Config.DoublyStochasticLambda);   // the Transformer's default

        // 64 images in batches of 16: warm-up to 1e-3 over 2 steps, then 1e-3 · √(2 / step).
        var rates = File.ReadLines(dir.File("m.log.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "step").Select(e => e.GetProperty("lr").GetDouble()).ToArray();
        Assert.Equal([5e-4, 1e-3, 1e-3 * Math.Sqrt(2 / 3.0), 1e-3 * Math.Sqrt(2 / 4.0)], rates, new ToleranceComparer(1e-12));

        // caption --json --layer-maps: each layer's and head's map per word; their mean is the caption's map.
        var photo = data.Dataset.Split("test").Images[0].ImagePath;
        var (captionCode, output, captionError) = CliHarness.Run("caption", model, photo, "--json", "--layer-maps", "--beam", "2");
        Assert.True(captionCode == 0, captionError);
        var line = JsonDocument.Parse(output.Trim()).RootElement;
        var averaged = line.GetProperty("attention").GetProperty("weights").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(w => w.GetDouble()).ToArray()).ToArray();
        var layers = line.GetProperty("layers").EnumerateArray().ToList();
        Assert.Single(layers);                                                       // --layers 1
        var heads = layers[0].EnumerateArray().ToList();
        Assert.Equal(2, heads.Count);                                                // --heads 2
        Assert.True(averaged.Length > 0);
        for (int t = 0; t < averaged.Length; t++)
            for (int n = 0; n < averaged[t].Length; n++)
            {
                double mean = heads.Average(h => h[t][n].GetDouble());
                Assert.True(Math.Abs(mean - averaged[t][n]) < 1e-5, $"word {t}, region {n}: {mean} vs {averaged[t][n]}");
            }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
