using Spotlight.Attention;
using Spotlight.Captioning;
using Spotlight.Decoding;
using Spotlight.Onnx;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Onnx;

/// <summary>
/// The ONNX export of recurrent captioners: every graph's outputs against TorchSharp's (1e-4), whole captions through
/// ONNX Runtime against the library's, the exported folder, and what a wrong file gives.
/// </summary>
[Collection(TinyCaptioningCollection.Name)]
public class CaptionerOnnxTests(TinyCaptioningData data)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Decoders =>
        ["lstm-additive", "gru-scaled-dot", "lstm-multi-head", "lstm-learned-start", "transformer", "transformer-encoder-learned-untied"];

    private static CaptionerConfig Config(string kind, int vocab) => kind switch
    {
        "gru-scaled-dot" => TinyCaptioningData.Config(vocab) with { Cell = DecoderCellKind.Gru, Attention = AttentionKind.ScaledDot },
        "lstm-multi-head" => TinyCaptioningData.Config(vocab) with { Attention = AttentionKind.MultiHead },
        "lstm-learned-start" => TinyCaptioningData.Config(vocab) with { InitFromMeanRegion = false },
        "transformer" => TinyCaptioningData.TransformerConfig(vocab),
        "transformer-encoder-learned-untied" => TinyCaptioningData.TransformerConfig(vocab) with
        {
            Transformer = TransformerCaptionConfig.Tiny with { EncoderLayers = 2, Positions = Spotlight.Transformer.PositionKind.Learned, TieEmbeddings = false },
        },
        _ => TinyCaptioningData.Config(vocab),
    };

    private static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = (expected.cpu() - actual.cpu()).abs().max().item<float>();
        Assert.True(error < Tolerance, $"{what}: differs by {error:g3}");
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Prepare_and_three_steps_in_onnx_runtime_equal_torchsharp_with_beams_sharing_each_images_memory(string kind)
    {
        using var model = data.RandomModel(seed: 5, config: v => Config(kind, v));
        var network = model.Network;
        var decoder = network.Decoder;
        using var onnx = new OnnxCaptionSteps(network);
        foreach (int images in new[] { 1, 5 })
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            torch.manual_seed(images);
            var regions = randn(images, network.Encoder.GridHeight * network.Encoder.GridWidth, network.Encoder.FeatureDim);
            var torchInitial = decoder.Start(regions);
            try
            {
                // Three beams per image, as beam search lays rows out: consecutive rows of an image share its memory.
                var rows = arange(images).repeat_interleave(3);
                IDecoderState torchState = torchInitial.Select(rows), onnxState = onnx.Start(regions).Select(rows);
                Assert.All(((OnnxDecoderState)onnxState).Memories, m => Assert.Equal(3, m.RowsPerItem));
                for (int step = 0; step < 3; step++)
                {
                    var tokens = randint(4, model.Vocabulary.Count, [images * 3], dtype: ScalarType.Int64);
                    var t = decoder.DecodeStep(tokens, torchState);
                    var o = onnx.DecodeStep(tokens, onnxState);
                    Close(t.LogProbs, o.LogProbs, $"log-probabilities at step {step}");
                    Close(t.Attention!, o.Attention!, $"α at step {step}");
                    // Reorder the beams within each image (as the search does when hypotheses overtake each other).
                    var reorder = arange(images * 3).reshape(images, 3).flip(1).reshape(-1);
                    (torchState, onnxState) = (t.State.Select(reorder), o.State.Select(reorder));
                }
            }
            finally
            {
                decoder.Release(torchInitial);
            }
        }
    }

    public static TheoryData<string> Encoders => ["small-cnn", "mobilenet", "resnet18", "vit", "vit-sine"];

    [Theory]
    [MemberData(nameof(Encoders))]
    public void Encoders_export_to_the_regions_torchsharp_computes_at_batch_1_and_5(string kind)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        nn.Module<Tensor, Tensor> module = kind switch
        {
            "small-cnn" => new SmallCnnEncoder(new SmallCnnConfig(32, [8, 16, 16])),
            "mobilenet" => new MobileNetV1(0.25, 64),
            "vit" => new VisionTransformer(new VitConfig(64, PatchSize: 16, Dim: 32, Depth: 2, Heads: 2)),
            "vit-sine" => new VisionTransformer(new VitConfig(64, PatchSize: 8, Dim: 32, Depth: 1, Heads: 4, Positions: VitPositions.Sinusoidal2D)),
            _ => new ResNetEncoder(18, 64),
        };
        if (kind.StartsWith("vit", StringComparison.Ordinal))
            using (no_grad())
                foreach (var p in module.parameters()) p.normal_(0, 0.3);   // norms, positions and biases far from their start
        using var noGrad = no_grad();
        // Batch norm with statistics far from 0/1, so a wrong epsilon, order or padding shows.
        foreach (var (name, buffer) in module.named_buffers())
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) buffer.copy_(randn_like(buffer) * 0.2);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) buffer.copy_(rand_like(buffer) + 0.5);
        module.eval();
        var encoder = (IImageEncoder)module;
        int size = kind == "small-cnn" ? 32 : 64;
        var graph = new OnnxGraph("encoder");
        graph.Output(EncoderOnnx.AddRegions(graph, graph.Input("images", OnnxGraph.ElementType.Float, "batch", 3, size, size), encoder),
            "regions", OnnxGraph.ElementType.Float, "batch", encoder.GridHeight * encoder.GridWidth, encoder.FeatureDim);
        using var session = new OnnxSession(Google.Protobuf.MessageExtensions.ToByteArray(graph.Model("test")), kind);
        foreach (int batch in new[] { 1, 5 })
        {
            var images = randn(batch, 3, size, size);
            var expected = encoder.Encode(images);
            var actual = session.Run(images, "regions")[0];
            Assert.Equal(expected.shape, actual.shape);
            double error = (expected - actual).abs().max().item<float>() / expected.abs().max().item<float>();
            Assert.True(error < Tolerance, $"{kind}, batch {batch}: {error:g3} of the largest value");
        }
        module.Dispose();
    }

    [Fact]
    public void An_exported_folder_captions_as_the_library_does_greedy_and_beam()
    {
        using var dir = new TempDirectory();
        using var model = data.RandomModel(seed: 9);
        var manifest = CaptionerOnnxExport.Export(model, dir.Path);
        Assert.Equal(["h", "c"], manifest.State);
        Assert.Equal(["values", "keys"], manifest.Memory);
        Assert.Equal(model.Vocabulary.Tokens, manifest.Vocabulary);
        Assert.Equal(model.Config.MaxLength - 1, manifest.MaxLength);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(manifest, CaptionerOnnxExport.Json),
            System.Text.Json.JsonSerializer.Serialize(CaptionerOnnxExport.ReadManifest(dir.Path), CaptionerOnnxExport.Json));
        var photos = data.Dataset.Split("test").Images.Take(5).Select(i => i.ImagePath).ToArray();

        using var scope = NewDisposeScope();
        var pixels = stack(photos.Select(model.LoadImage).ToArray());
        using var encoder = new OnnxSession(File.ReadAllBytes(dir.File(manifest.Files.Encoder)), "encoder.onnx");
        var regions = encoder.Run(pixels, CaptionerOnnx.Regions)[0];
        Close(model.Network.EncodeImages(pixels), regions, "regions");

        using var steps = OnnxCaptionSteps.FromFolder(dir.Path);
        foreach (int beam in new[] { 1, 3 })
        {
            var options = new Spotlight.Decoding.DecodeOptions(BeamSize: beam, MaxLength: manifest.MaxLength, BlockedTokens: manifest.NeverGenerate);
            var expected = model.Network.GenerateFromRegions(regions, options);
            var initial = steps.Start(regions);
            var actual = beam == 1
                ? Spotlight.Decoding.Greedy.Decode(steps.DecodeStep, initial, photos.Length, options).Select(h => (IReadOnlyList<Spotlight.Decoding.Hypothesis>)[h]).ToList()
                : Spotlight.Decoding.BeamSearch.Decode(steps.DecodeStep, initial, photos.Length, options);
            for (int i = 0; i < photos.Length; i++)
            {
                Assert.Equal(expected[i][0].Tokens, actual[i][0].Tokens);
                Assert.True(Math.Abs(expected[i][0].LogProb - actual[i][0].LogProb) < Tolerance, $"beam {beam}, photo {i}: log-probability {expected[i][0].LogProb} vs {actual[i][0].LogProb}");
            }
        }
    }

    [Theory]
    [InlineData("lstm-additive")]
    [InlineData("transformer")]
    public void The_decoder_runtime_switch_gives_the_same_captions_scores_and_maps(string kind)
    {
        using var model = data.RandomModel(seed: 4, config: v => Config(kind, v));
        var photos = data.Dataset.Split("test").Images.Take(4).Select(i => i.ImagePath).ToArray();
        foreach (var options in new[] { new CaptionOptions(Beam: 1), new CaptionOptions(Beam: 3, Alternatives: 2) })
        {
            model.Network.DecoderRuntime = InferenceRuntime.LibTorch;
            var expected = model.CaptionFiles(photos, options);
            model.Network.DecoderRuntime = InferenceRuntime.OnnxRuntime;
            var actual = model.CaptionFiles(photos, options);
            for (int i = 0; i < photos.Length; i++)
            {
                Assert.Equal(expected[i].Tokens, actual[i].Tokens);
                Assert.Equal(expected[i].Alternatives.Select(a => a.Caption), actual[i].Alternatives.Select(a => a.Caption));
                Assert.True(Math.Abs(expected[i].LogProb - actual[i].LogProb) < Tolerance);
                for (int t = 0; t < expected[i].Tokens.Count; t++)
                    Assert.True(expected[i].Attention.Weights[t].Zip(actual[i].Attention.Weights[t]).All(p => Math.Abs(p.First - p.Second) < Tolerance));
            }
        }
    }

    [Fact]
    public void After_a_switch_to_training_and_back_the_onnx_decoder_uses_the_new_weights()
    {
        using var model = data.RandomModel(seed: 4);
        var photos = data.Dataset.Split("test").Images.Take(3).Select(i => i.ImagePath).ToArray();
        model.Network.DecoderRuntime = InferenceRuntime.OnnxRuntime;
        var before = model.CaptionFiles(photos, new CaptionOptions(Beam: 1));
        model.Network.train();
        using (no_grad())
            foreach (var p in ((nn.Module)model.Network.Decoder).parameters()) p.mul_(-1.5);   // a different decoder
        model.Network.eval();
        var onnx = model.CaptionFiles(photos, new CaptionOptions(Beam: 1));
        model.Network.DecoderRuntime = InferenceRuntime.LibTorch;
        var libtorch = model.CaptionFiles(photos, new CaptionOptions(Beam: 1));
        Assert.Equal(libtorch.Select(r => r.Caption), onnx.Select(r => r.Caption));
        Assert.NotEqual(before.Select(r => r.Caption), onnx.Select(r => r.Caption));
    }

    private sealed class UnknownEncoder : IImageEncoder
    {
        public Tensor Encode(Tensor images) => images;
        public int FeatureDim => 3;
        public int GridHeight => 1;
        public int GridWidth => 1;
    }

    [Fact]
    public void An_encoder_the_exporter_does_not_know_is_refused_in_one_line_naming_it()
    {
        var graph = new OnnxGraph("encoder");
        var e = Assert.Throws<SpotlightException>(() => EncoderOnnx.AddRegions(graph, graph.Input("images", OnnxGraph.ElementType.Float, 1, 3, 8, 8), new UnknownEncoder()));
        Assert.Contains(nameof(UnknownEncoder), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_transformer_captioner_exports_and_its_folder_captions_as_the_library_does()
    {
        using var dir = new TempDirectory();
        using var model = data.RandomModel(seed: 8, config: v => TinyCaptioningData.TransformerConfig(v));
        var manifest = CaptionerOnnxExport.Export(model, dir.Path);
        Assert.Equal(["past_keys_0", "past_values_0", "past_keys_1", "past_values_1"], manifest.State);
        Assert.Equal(["memory_values_0", "memory_keys_0", "memory_values_1", "memory_keys_1"], manifest.Memory);
        var photos = data.Dataset.Split("test").Images.Take(4).Select(i => i.ImagePath).ToArray();
        using var scope = NewDisposeScope();
        var regions = model.Network.EncodeImages(stack(photos.Select(model.LoadImage).ToArray()));
        using var steps = OnnxCaptionSteps.FromFolder(dir.Path);
        var options = new DecodeOptions(BeamSize: 3, MaxLength: manifest.MaxLength, BlockedTokens: manifest.NeverGenerate);
        var expected = model.Network.GenerateFromRegions(regions, options);
        var actual = BeamSearch.Decode(steps.DecodeStep, steps.Start(regions), photos.Length, options);
        for (int i = 0; i < photos.Length; i++)
        {
            Assert.Equal(expected[i][0].Tokens, actual[i][0].Tokens);
            Assert.True(Math.Abs(expected[i][0].LogProb - actual[i][0].LogProb) < Tolerance);
        }
    }

    [Fact]
    public void Corrupt_truncated_swapped_or_mismatched_files_give_one_line_naming_the_file()
    {
        using var dir = new TempDirectory();
        using var model = data.RandomModel(seed: 9);
        var manifest = CaptionerOnnxExport.Export(model, dir.File("good"));
        var step = File.ReadAllBytes(Path.Combine(dir.File("good"), "step.onnx"));

        string Refusal(string name, Action<string> spoil)
        {
            var folder = dir.File(name);
            Directory.CreateDirectory(folder);
            foreach (var f in Directory.GetFiles(dir.File("good"))) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            spoil(folder);
            var e = Assert.Throws<SpotlightException>(() => OnnxCaptionSteps.FromFolder(folder).Dispose());
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(folder, e.Message);
            return e.Message;
        }

        Assert.Contains("truncated or corrupt", Refusal("truncated", f => File.WriteAllBytes(Path.Combine(f, "step.onnx"), step[..(step.Length / 2)])));
        Assert.Contains("empty", Refusal("empty", f => File.WriteAllBytes(Path.Combine(f, "step.onnx"), [])));
        Assert.Contains("expected tokens", Refusal("swapped", f => File.Copy(Path.Combine(f, "prepare.onnx"), Path.Combine(f, "step.onnx"), overwrite: true)));
        Assert.Contains("not found", Refusal("no-manifest", f => File.Delete(Path.Combine(f, "captioner.json"))));
        Assert.Contains("not a valid captioner manifest", Refusal("bad-manifest", f => File.WriteAllText(Path.Combine(f, "captioner.json"), "{\"format\": ")));

        // Regions of the wrong size reach ONNX Runtime, which refuses them: one line naming the graph.
        using var steps = OnnxCaptionSteps.FromFolder(dir.File("good"));
        using var wrong = randn(2, model.Network.Encoder.GridHeight * model.Network.Encoder.GridWidth, model.Network.Encoder.FeatureDim + 1);
        var error = Assert.Throws<SpotlightException>(() => steps.Start(wrong));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("prepare.onnx", error.Message);
    }
}
