using Spotlight.Captioning;
using Spotlight.Captioning.Data;
using Spotlight.Decoding;
using Spotlight.Tests.Vision;
using Spotlight.Training;
using Spotlight.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Captioning;

/// <summary>The Transformer captioner: cached decoding, the causal mask, the shared search, maps, training and files.</summary>
[Collection(TinyCaptioningCollection.Name)]
public class TransformerCaptionerTests(TinyCaptioningData data)
{
    private const int Vocab = 11, FeatureDim = 8, Grid = 4;

    private IReadOnlyList<string> TestImages(int count) => data.Dataset.Split("test").Images.Take(count).Select(i => i.ImagePath).ToList();

    private static CaptionModel RandomTransformer(TinyCaptioningData data, int encoderLayers = 0) =>
        data.RandomModel(config: v => TinyCaptioningData.TransformerConfig(v) with
        {
            Transformer = TransformerCaptionConfig.Tiny with { EncoderLayers = encoderLayers },
        });

    /// <summary>A decoder over a 4×4 grid of 8-d regions, with an untrained random init (seeded).</summary>
    private static TransformerCaptionDecoder Decoder(int encoderLayers, PositionKind positions, bool tie)
    {
        torch.manual_seed(5);
        var config = TinyCaptioningData.TransformerConfig(Vocab) with
        {
            Transformer = TransformerCaptionConfig.Tiny with { EncoderLayers = encoderLayers, Positions = positions, TieEmbeddings = tie },
        };
        var decoder = new TransformerCaptionDecoder(config, FeatureDim, Grid, Grid);
        decoder.eval();
        return decoder;
    }

    private static double MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Theory]
    [InlineData(0, PositionKind.Sinusoidal, true)]
    [InlineData(1, PositionKind.Learned, false)]
    public void Cached_incremental_decoding_equals_full_recomputation(int encoderLayers, PositionKind positions, bool tie)
    {
        using var decoder = Decoder(encoderLayers, positions, tie);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var regions = torch.randn(3, Grid * Grid, FeatureDim);
        var tokens = torch.randint(1, Vocab, [3, 6]);
        var (logits, alphas) = decoder.forward(regions, tokens);
        var full = logits.log_softmax(-1);                                   // (3, 6, V)

        // Three steps for the three images, then a beam-search reorder (image 1 leaves, images 0 and 2 get two rows
        // each, sharing one prepared memory), then three more steps.
        var rows = torch.arange(3, dtype: ScalarType.Int64);
        var state = decoder.Start(regions);
        try
        {
            for (int t = 0; t < 6; t++)
            {
                if (t == 3)
                {
                    rows = torch.tensor(new long[] { 0, 0, 2, 2 });
                    state = state.Select(rows);
                }
                var step = decoder.DecodeStep(tokens.index_select(0, rows)[.., t], state);
                state = step.State;
                Assert.True(MaxDiff(step.LogProbs, full.index_select(0, rows)[.., t]) < 1e-5, $"log-probs differ at step {t}");
                Assert.True(MaxDiff(step.Attention!, alphas.index_select(0, rows)[.., t]) < 1e-5, $"attention differs at step {t}");
            }
            Assert.Equal(2, ((TransformerCaptionState)state).Memories[0].RowsPerItem);   // kept once per image, not per beam
        }
        finally
        {
            ((ICaptionDecoder)decoder).Release(state);
        }
    }

    [Fact]
    public void The_causal_mask_hides_the_future()
    {
        using var decoder = Decoder(1, PositionKind.Sinusoidal, true);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var regions = torch.randn(2, Grid * Grid, FeatureDim);
        var tokens = torch.randint(1, Vocab, [2, 7]);
        var (before, alphaBefore) = decoder.forward(regions, tokens);
        for (int k = 1; k < 7; k++)
        {
            var changed = tokens.clone();
            changed[.., k] = (changed[.., k] + 1) % Vocab;
            var (after, alphaAfter) = decoder.forward(regions, changed);
            Assert.True(MaxDiff(before[.., ..k], after[.., ..k]) == 0, $"changing token {k} changed an earlier output");
            Assert.True(MaxDiff(alphaBefore[.., ..k], alphaAfter[.., ..k]) == 0, $"changing token {k} changed an earlier map");
            Assert.True(MaxDiff(before[.., k], after[.., k]) > 1e-4, $"changing token {k} changed nothing at its own position");
        }
    }

    [Fact]
    public void Beam_of_width_one_equals_greedy()
    {
        using var model = RandomTransformer(data);
        using var scope = torch.NewDisposeScope();
        var images = torch.stack(TestImages(4).Select(model.LoadImage).ToArray());
        var options = new DecodeOptions(BeamSize: 1, MaxLength: 12);
        var regions = model.Network.Encoder.Encode(images);
        var decoder = model.Network.Decoder;
        using var noGrad = torch.no_grad();
        var first = decoder.Start(regions);
        var greedy = Greedy.Decode(decoder.DecodeStep, first, 4, options);
        decoder.Release(first);
        var second = decoder.Start(regions);    // the caches change in place: a fresh state per decode
        var beam = BeamSearch.Decode(decoder.DecodeStep, second, 4, options);
        decoder.Release(second);
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
        using var model = RandomTransformer(data, encoderLayers: 1);
        var files = TestImages(6);
        var options = new CaptionOptions(Beam: beam, MaxLength: 12);
        var batched = model.CaptionFiles(files, options);
        Assert.Contains(batched, r => r.Tokens.Count > 1);
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
    public void Each_word_has_a_map_over_the_grid_that_sums_to_one_and_is_the_mean_of_every_layer_and_head()
    {
        using var model = RandomTransformer(data);
        using var scope = torch.NewDisposeScope();
        var files = TestImages(2);
        var results = model.CaptionFiles(files, new CaptionOptions(Beam: 3, MaxLength: 10));
        var images = torch.stack(files.Select(model.LoadImage).ToArray());
        var regions = model.Network.Encoder.Encode(images);
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            Assert.Equal(r.Tokens.Count, r.Attention.Weights.Length);
            Assert.Equal((8, 8), (r.Attention.GridHeight, r.Attention.GridWidth));
            foreach (var row in r.Attention.Weights)
            {
                Assert.Equal(64, row.Length);
                Assert.Equal(1.0, row.Sum(w => (double)w), 4);
            }
            // Replaying <start> + the caption gives every layer's and head's map; their mean is the decoded map.
            var ids = new long[] { Spotlight.Text.Vocabulary.Start }.Concat(r.Tokens.Select(w => (long)model.Vocabulary.Id(w))).ToArray();
            var maps = model.Network.CrossAttentionMaps(regions[i..(i + 1)], torch.tensor(ids).unsqueeze(0))!;
            Assert.Equal(new long[] { 1, 2, 2, ids.Length, 64 }, maps.shape);   // (batch, layers, heads, T, regions)
            Assert.True(maps.sum(-1).sub(1).abs().max().item<float>() < 1e-5);  // every layer and head sums to one too
            var mean = maps[0].mean([0, 1]);                                    // (T, regions)
            for (int t = 0; t < r.Tokens.Count; t++)
                for (int g = 0; g < 64; g++)
                    Assert.Equal(mean[t, g].item<float>(), r.Attention.Weights[t][g], 1e-5);
        }
    }

    [Fact]
    public void Saving_and_loading_keeps_the_architecture_and_the_captions()
    {
        using var model = RandomTransformer(data, encoderLayers: 1);
        using var dir = new TempDirectory();
        var files = TestImages(3);
        var before = model.CaptionFiles(files, new CaptionOptions(Beam: 3, MaxLength: 12));
        model.Save(dir.File("m.spotlight"));
        using var loaded = CaptionModel.Load(dir.File("m.spotlight"));
        Assert.Equal(DecoderCellKind.Transformer, loaded.Config.Cell);
        Assert.Equal(model.Config.Transformer, loaded.Config.Transformer);
        Assert.IsType<TransformerCaptionDecoder>(loaded.Network.Decoder);
        var after = loaded.CaptionFiles(files, new CaptionOptions(Beam: 3, MaxLength: 12));
        Assert.Equal(before.Select(r => r.Caption), after.Select(r => r.Caption));
        Assert.Equal(before.Select(r => r.LogProb), after.Select(r => r.LogProb));
    }

    [Fact]
    public void A_recurrent_config_is_written_as_before_the_transformer_existed()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(TinyCaptioningData.Config(), CaptionModel.Json);
        Assert.DoesNotContain("Transformer", json);
        var transformer = System.Text.Json.JsonSerializer.Serialize(TinyCaptioningData.TransformerConfig(), CaptionModel.Json);
        Assert.Contains("\"Cell\":\"transformer\"", transformer);
        Assert.Contains("\"Layers\":2", transformer);
    }

    [Fact]
    public void Asking_for_longer_captions_than_the_positions_gives_a_clear_error()
    {
        using var model = RandomTransformer(data);
        var e = Assert.Throws<SpotlightException>(() => model.CaptionFiles(TestImages(1), new CaptionOptions(Beam: 1, MaxLength: 100)));
        Assert.Contains("64 positions", e.Message);
    }

    [Fact]
    public void A_tiny_transformer_overfits_eight_images()
    {
        var eight = data.Dataset.Split("train").Images.Take(8).Select(i => i with { Captions = [i.Captions[0]] }).ToList();
        var dataset = new CaptionDataset([.. eight, .. eight.Select(i => i with { Split = "val" })], "eight images");
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with
        {
            Epochs = 60, BatchSize = 8, LearningRate = 1e-2, WarmupSteps = 10, Schedule = ScheduleKind.Constant,
            LabelSmoothing = 0.1, EarlyStopPatience = 1000,
        };
        var config = TinyCaptioningData.TransformerConfig() with { DoublyStochasticLambda = 0f };
        var result = new CaptionTrainer(dataset, config, options).Train(dir.File("m.spotlight"));

        using var model = CaptionModel.Load(result.LastModelPath);
        var captions = model.CaptionFiles(eight.Select(i => i.ImagePath).ToList(), new CaptionOptions(Beam: 1));
        var expected = eight.Select(i => string.Join(' ', Spotlight.Text.CaptionTokenizer.Tokenize(i.Captions[0]))).ToList();
        Assert.Equal(expected, captions.Select(c => c.Caption).ToList());
    }

    [Fact]
    public void A_resumed_transformer_run_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        using var straightDir = new TempDirectory();
        using var resumedDir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 2, WarmupSteps = 3, LabelSmoothing = 0.1 };
        var config = TinyCaptioningData.TransformerConfig() with { Transformer = TransformerCaptionConfig.Tiny with { Dropout = 0.2f, EncoderLayers = 1 } };

        var straight = new CaptionTrainer(data.Dataset, config, options).Train(straightDir.File("m.spotlight"));
        var interrupted = new CaptionTrainer(data.Dataset, config, options with { StopAfterSteps = 6 }).Train(resumedDir.File("m.spotlight"));
        Assert.Equal(6, interrupted.Steps);
        var resumed = new CaptionTrainer(data.Dataset, config, options).Train(resumedDir.File("m.spotlight"), interrupted.CheckpointPath);
        Assert.Equal(straight.Steps, resumed.Steps);

        using var a = CaptionModel.Load(straight.LastModelPath);
        using var b = CaptionModel.Load(resumed.LastModelPath);
        var pa = a.Network.state_dict();
        Assert.Contains(pa.Keys, k => k.StartsWith("decoder.encoderLayers.0.", StringComparison.Ordinal));
        Spotlight.Tests.Checkpoints.WeightsAssert.Same(pa, b.Network.state_dict(), 1e-6);
    }

    [Fact]
    public void The_transformer_schedule_warms_up_then_decays_as_the_inverse_square_root()
    {
        var options = new CaptionTrainingOptions { LearningRate = 1e-3, WarmupSteps = 100 };
        Assert.Equal(ScheduleKind.InverseSqrt, CaptionTrainer.ScheduleFor(options, TinyCaptioningData.TransformerConfig()));
        Assert.Equal(ScheduleKind.Plateau, CaptionTrainer.ScheduleFor(options, TinyCaptioningData.Config()));
        Assert.Equal(ScheduleKind.Constant, CaptionTrainer.ScheduleFor(options with { Schedule = ScheduleKind.Constant }, TinyCaptioningData.TransformerConfig()));
        var schedule = new LearningRateSchedule(1e-3, ScheduleKind.InverseSqrt, 100);
        Assert.Equal(0.5e-3, schedule.At(50), 12);     // half-way up the warm-up
        Assert.Equal(0.5e-3, schedule.At(400), 12);    // 1e-3 · √(100 / 400)
    }
}
