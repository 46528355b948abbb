using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Tests.Captioning;
using Spotlight.Vision;
using Spotlight.Vision.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Vision;

/// <summary>The Vision Transformer encoder: shapes, positions, timm's layout, attention rollout, and captioning over patches.</summary>
[Collection(TinyCaptioningCollection.Name)]
public class VisionTransformerTests(TinyCaptioningData data)
{
    private static readonly VitConfig Tiny = new(ImageSize: 32, PatchSize: 8, Dim: 32, Depth: 2, Heads: 2);

    private static void Randomise(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var p in module.parameters()) p.normal_(0, 0.2);   // non-trivial norms, biases and positions
    }

    [Fact]
    public void Patches_become_regions_and_the_class_token_attends_to_every_patch()
    {
        torch.manual_seed(1);
        using var vit = new VisionTransformer(Tiny);
        vit.eval();
        using var scope = NewDisposeScope();
        var images = randn(2, 3, 32, 32);
        Assert.Equal([2L, 16, 32], vit.Encode(images).shape);                 // 4×4 patches of 8 px
        Assert.Equal([2L, 17, 32], vit.Tokens(images).shape);                 // the class token first
        Assert.Equal((4, 4, 32), (vit.GridHeight, vit.GridWidth, vit.FeatureDim));
        var weights = vit.AttentionWeights(images);
        Assert.Equal(2, weights.Count);
        Assert.Equal([2L, 2, 17, 17], weights[0].shape);
        var classRow = weights[1][.., .., 0, 1..];                            // (batch, heads, patches)
        Assert.True(classRow.min().item<float>() > 0);
        Assert.True((weights[1].sum(-1) - 1).abs().max().item<float>() < 1e-5);
        Assert.Throws<SpotlightException>(() => vit.Encode(randn(1, 3, 48, 48)));
    }

    [Fact]
    public void Fixed_2d_positions_tell_every_patch_apart_and_encode_rows_and_columns_separately()
    {
        using var table = VisionTransformer.SineCosine2D(grid: 4, dim: 16);
        Assert.Equal([1L, 17, 16], table.shape);
        Assert.Equal(0f, table[0, 0].abs().sum().item<float>());              // the class token's
        var patches = table[0, 1..];
        Assert.Equal(16, Enumerable.Range(0, 16).Select(i => string.Join(",", patches[i].data<float>().ToArray().Select(v => v.ToString("F4")))).Distinct().Count());
        Assert.True(patches[1, ..8].equal(patches[2, ..8]).all().item<bool>());      // same row: same first half
        Assert.True(patches[1, 8..].equal(patches[5, 8..]).all().item<bool>());      // same column: same second half
        using var vit = new VisionTransformer(Tiny with { Positions = VitPositions.Sinusoidal2D });
        Assert.DoesNotContain(vit.named_parameters(), p => p.name == "positionTable");
        Assert.Equal([1L, 16, 32], vit.Encode(randn(1, 3, 32, 32)).shape);
    }

    [Fact]
    public void Position_interpolation_is_the_identity_at_the_trained_size_and_keeps_a_constant_table_constant()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        var table = randn(1, 17, 8);
        Assert.True(VisionTransformer.InterpolatePositions(table, 4).equal(table).all().item<bool>());
        var constant = ones(1, 17, 8) * 0.3;
        constant[0, 0] = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var resized = VisionTransformer.InterpolatePositions(constant, 6);
        Assert.Equal([1L, 37, 8], resized.shape);
        Assert.True(resized[0, 0].equal(constant[0, 0]).all().item<bool>());       // the class token's position is kept
        Assert.True((resized[0, 1..] - 0.3).abs().max().item<float>() < 1e-5);
        Assert.Throws<SpotlightException>(() => VisionTransformer.InterpolatePositions(randn(1, 18, 8), 4));
    }

    /// <summary>A module's weights under timm's names (qkv fused), as a timm checkpoint stores them.</summary>
    private static Dictionary<string, Tensor> TimmLayout(VisionTransformer vit)
    {
        var ours = vit.state_dict();
        var timm = new Dictionary<string, Tensor>
        {
            ["patch_embed.proj.weight"] = ours["patchEmbed.weight"], ["patch_embed.proj.bias"] = ours["patchEmbed.bias"],
            ["cls_token"] = ours["classToken"], ["pos_embed"] = ours["positionTable"], ["norm.weight"] = ours["norm.weight"], ["norm.bias"] = ours["norm.bias"],
            ["head.weight"] = zeros(10, vit.FeatureDim), ["head.bias"] = zeros(10),                       // a classifier, left out on import
        };
        for (int i = 0; i < vit.Config.Depth; i++)
        {
            string b = $"blocks.{i}";
            timm[$"{b}.attn.qkv.weight"] = cat([ours[$"{b}.attn.queryProj.weight"], ours[$"{b}.attn.keyProj.weight"], ours[$"{b}.attn.valueProj.weight"]], 0);
            timm[$"{b}.attn.qkv.bias"] = cat([ours[$"{b}.attn.queryProj.bias"], ours[$"{b}.attn.keyProj.bias"], ours[$"{b}.attn.valueProj.bias"]], 0);
            foreach (var (o, t) in new[] { ("attn.outProj", "attn.proj"), ("norm1", "norm1"), ("norm2", "norm2"), ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2") })
            {
                timm[$"{b}.{t}.weight"] = ours[$"{b}.{o}.weight"];
                timm[$"{b}.{t}.bias"] = ours[$"{b}.{o}.bias"];
            }
        }
        return timm;
    }

    [Fact]
    public void A_timm_layout_file_loads_to_identical_outputs_and_imports_as_an_encoder_usable_at_another_size()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        // ViT-Ti/16 at 32 px (a 2×2 grid): a timm preset, small enough for a test.
        using var source = new VisionTransformer(VitConfig.Tiny(32));
        Randomise(source);
        source.eval();
        SafeTensors.Write(dir.File("vit.safetensors"), TimmLayout(source));
        var images = randn(2, 3, 32, 32);
        var expected = source.Encode(images);

        using (var file = SafeTensors.Read(dir.File("vit.safetensors")))
        {
            var (config, weights) = Spotlight.Vision.Encoders.VitKindAccess.FromTimm(dir.File("vit.safetensors"), file.Tensors);
            Assert.Equal(VitConfig.Tiny(32), config);
            using var loaded = new VisionTransformer(config);
            StateDictLoader.Load("vit", loaded, weights);
            loaded.eval();
            Assert.True((loaded.Encode(images) - expected).abs().max().item<float>() == 0, "not the same outputs");
        }

        var description = EncoderWeights.Import(dir.File("vit.safetensors"), dir.File("vit.spotlight"));
        Assert.Equal("vit-tiny-16", description.Arch);
        foreach (int size in new[] { 32, 48 })
        {
            var config = new PretrainedEncoderConfig("vit-tiny-16", ImageSize: size);
            using var encoder = config.Create();
            EncoderWeights.LoadInto(dir.File("vit.spotlight"), encoder, config);
            encoder.eval();
            var regions = ((IImageEncoder)encoder).Encode(randn(1, 3, size, size));
            Assert.Equal([1L, (size / 16) * (size / 16), 192], regions.shape);
            if (size == 32) Assert.True((((IImageEncoder)encoder).Encode(images) - expected).abs().max().item<float>() == 0);
        }
    }

    [Fact]
    public void Rollout_of_identity_attention_stays_on_each_token_and_of_uniform_attention_follows_the_formula()
    {
        using var scope = NewDisposeScope();
        var identity = eye(5).expand(1, 2, 5, 5);                              // 1 image, 2 heads, 5 tokens
        Assert.True(AttentionRollout.Compute([identity, identity, identity]).equal(eye(5).unsqueeze(0)).all().item<bool>());
        var uniform = full(1, 2, 5, 5, 0.2f);
        // One block: ½(A + I) = 0.1 everywhere plus 0.5 on the diagonal; rows already sum to 1.
        var one = AttentionRollout.Compute([uniform]);
        Assert.True((one - (full(5, 5, 0.1f) + 0.5 * eye(5))).abs().max().item<float>() < 1e-6);
        // Two blocks: the square of that matrix; the class token's map over the 4 patches is uniform.
        var two = AttentionRollout.Compute([uniform, uniform]);
        var m = full(5, 5, 0.1f) + 0.5 * eye(5);
        Assert.True((two - m.matmul(m)).abs().max().item<float>() < 1e-6);
        Assert.True((AttentionRollout.ClassTokenMap([uniform, uniform]) - 0.25).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void A_captioner_on_a_vit_captions_batched_as_one_by_one_and_survives_its_model_file()
    {
        using var dir = new TempDirectory();
        torch.manual_seed(4);
        var vocabulary = Spotlight.Text.Vocabulary.Build(data.Dataset.Split("train").Images.SelectMany(i => i.Captions).Select(c => (IReadOnlyList<string>)c.Split(' ')), 1);
        var config = TinyCaptioningData.Config(vocabulary.Count) with { Pretrained = new PretrainedEncoderConfig("vit-tiny-16", ImageSize: 32) };
        var network = new Captioner(config);
        network.eval();
        using var model = new CaptionModel(network, vocabulary, new PretrainedEncoderConfig("vit-tiny-16", ImageSize: 32).Preprocessing);
        var photos = data.Dataset.Split("test").Images.Take(4).Select(i => i.ImagePath).ToArray();
        var options = new CaptionOptions(Beam: 2);
        var batched = model.CaptionFiles(photos, options);
        var alone = photos.Select(p => model.CaptionFiles([p], options)[0]).ToList();
        Assert.Equal(alone.Select(r => r.Caption), batched.Select(r => r.Caption));
        Assert.Equal((2, 2), (batched[0].Attention.GridHeight, batched[0].Attention.GridWidth));   // 4 patches of 16 px
        model.Save(dir.File("vit-captioner.spotlight"));
        using var loaded = CaptionModel.Load(dir.File("vit-captioner.spotlight"));
        Assert.Equal(batched.Select(r => r.Caption), loaded.CaptionFiles(photos, options).Select(r => r.Caption));
    }

    [Fact]
    public void A_captioner_trains_a_vit_from_scratch_and_its_file_and_onnx_export_keep_it()
    {
        using var dir = new TempDirectory();
        var vit = new VitConfig(32, PatchSize: 8, Dim: 32, Depth: 2, Heads: 2, MlpRatio: 2.0);
        var config = TinyCaptioningData.Config() with { Encoder = null, Vit = vit };
        Assert.Contains("one encoder", Assert.Throws<SpotlightException>(() => (config with { Encoder = new SmallCnnConfig(32) }).Validate()).Message);
        var options = TinyCaptioningData.Options with { Epochs = 1 };
        var trained = new CaptionTrainer(data.Dataset, config, options).Train(dir.File("vit-scratch.spotlight"));
        using var model = CaptionModel.Load(trained.BestModelPath);
        Assert.Equal(vit, model.Config.Vit);
        Assert.False(model.Network.EncoderFrozen);
        var photos = data.Dataset.Split("test").Images.Take(3).Select(i => i.ImagePath).ToArray();
        var libtorch = model.CaptionFiles(photos, new CaptionOptions(Beam: 2));
        Assert.Equal((4, 4), (libtorch[0].Attention.GridHeight, libtorch[0].Attention.GridWidth));   // 16 patches of 8 px
        // The ONNX Runtime decoder (the export of this very network) gives the same captions.
        model.Network.DecoderRuntime = InferenceRuntime.OnnxRuntime;
        Assert.Equal(libtorch.Select(r => r.Caption), model.CaptionFiles(photos, new CaptionOptions(Beam: 2)).Select(r => r.Caption));
        Assert.All(model.Network.Encoder is TorchSharp.torch.nn.Module m ? m.parameters() : [], p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Train_with_vit_makes_a_captioner_on_a_vit_from_scratch_and_refuses_it_with_pretrained_weights()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliHarness.Run("train", "--data", data.Directory, "--out", dir.File("v.spotlight"), "--vit", "--image-size", "32",
            "--epochs", "1", "--batch-size", "16", "--embed-dim", "16", "--decoder-dim", "32", "--attention-dim", "16", "--threads", "1");
        Assert.True(code == 0, error);
        var config = CaptionModel.InspectConfig(dir.File("v.spotlight"));
        Assert.Equal(CaptionerConfig.ScratchVit(32), config.Vit);
        Assert.Null(config.Encoder);
        (code, _, error) = CliHarness.Run("train", "--data", data.Directory, "--out", dir.File("w.spotlight"), "--vit", "--encoder-weights", dir.File("v.spotlight"));
        Assert.Equal(1, code);
        Assert.Contains("--vit trains a ViT from scratch", error);
    }
}
