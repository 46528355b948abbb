using System.Text;
using Spotlight.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Spotlight.Tests.Checkpoints;

public class ModelFileTests
{
    private const string Config = """{"hidden":8,"tag":"abc"}""";

    /// <summary>Linear layers plus BatchNorm, whose running statistics are buffers, not parameters.</summary>
    internal static Sequential Mlp(int hidden = 8, bool extraLayer = false)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("fc1", Linear(4, hidden)), ("bn", BatchNorm1d(hidden)), ("act", ReLU()), ("fc2", Linear(hidden, 3)),
        };
        if (extraLayer) layers.Add(("fc3", Linear(3, 3)));
        return Sequential(layers);
    }

    /// <summary>A model whose buffers differ from a fresh one: one training-mode forward moves the running stats.</summary>
    private static Sequential TrainedMlp()
    {
        var model = Mlp();
        model.train();
        using var scope = NewDisposeScope();
        model.forward(randn(16, 4) * 3 + 1);
        return model;
    }

    private static string SaveSample(TempDirectory dir, string name = "model.spotlight", string kind = "captioner")
    {
        var path = dir.File(name);
        ModelFile.Save(path, kind, TrainedMlp(), new Dictionary<string, string>
        {
            ["config"] = Config, ["vocabulary"] = """["<pad>","a","b"]""",
        });
        return path;
    }

    [Fact]
    public void Save_then_load_restores_parameters_and_buffers_bit_for_bit()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.spotlight");
        var original = TrainedMlp();
        ModelFile.Save(path, "captioner", original, new Dictionary<string, string> { ["config"] = Config });

        var restored = Mlp();
        using (var loaded = ModelFile.Load(path, "captioner"))
        {
            Assert.Equal("captioner", loaded.Kind);
            Assert.Equal("1", loaded.FormatVersion);
            Assert.Equal(Config, loaded.Blob("config"));
            Assert.Equal(64, loaded.Checksum.Length);
            loaded.LoadInto(restored);
        }

        var expected = original.state_dict();
        var actual = restored.state_dict();
        Assert.Contains("bn.running_mean", actual.Keys);
        Assert.Contains("bn.num_batches_tracked", actual.Keys);
        Assert.Equal(1L, actual["bn.num_batches_tracked"].item<long>());
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.Equal(TestFiles.Bytes(tensor), TestFiles.Bytes(actual[name]));
    }

    [Fact]
    public void Blobs_come_back_verbatim_and_typed()
    {
        using var dir = new TempDirectory();
        using var loaded = ModelFile.Load(SaveSample(dir));
        Assert.Equal(new[] { "config", "vocabulary" }, loaded.Blobs.Keys.Order());
        Assert.Equal(new[] { "<pad>", "a", "b" }, loaded.ReadBlob<string[]>("vocabulary"));
        Assert.Equal(8, loaded.ReadBlob<SampleConfig>("config").hidden);
        Assert.Contains("has no 'model_card' entry", Assert.Throws<SpotlightException>(() => loaded.Blob("model_card")).Message);
    }

    private sealed record SampleConfig(int hidden, string tag);

    [Fact]
    public void The_stored_checksum_matches_the_documented_definition_computed_independently()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(SaveSample(dir));
        var (metadata, entries, dataStart) = ChecksumOracle.ParseRaw(bytes);
        Assert.Equal(ChecksumOracle.Compute(metadata, entries, bytes.AsSpan(dataStart)), metadata["checksum"]);
    }

    public static TheoryData<string, Func<TempDirectory, string>, string?, string> BadFiles() => new()
    {
        { "random bytes", d => Write(d, RandomBytes(1000)), null, "not a safetensors file" },
        { "a text file", d => Write(d, Encoding.UTF8.GetBytes("model weights, honest\nsecond line\n")), null, "not a safetensors file" },
        { "an empty file", d => Write(d, []), null, "empty" },
        { "a file cut short", d => Write(d, File.ReadAllBytes(SaveSample(d, "src.spotlight"))[..^10]), null, "truncated" },
        { "a file cut inside the header", d => Write(d, File.ReadAllBytes(SaveSample(d, "src.spotlight"))[..100]), null, "truncated" },
        { "a flipped data byte", d => Write(d, Flip(File.ReadAllBytes(SaveSample(d, "src.spotlight")), ^1)), null, "checksum mismatch" },
        { "an edited config", d => Write(d, Replace(File.ReadAllBytes(SaveSample(d, "src.spotlight")), "abc", "abd")), null, "checksum mismatch" },
        { "a plain safetensors file", d => Write(d, SafeTensors.ToBytes(new Dictionary<string, Tensor> { ["w"] = zeros(2) })), null, "not a Spotlight model file" },
        { "another format", d => WithMetadata(d, ("format", "other-tool")), null, "format 'other-tool'" },
        { "a newer format version", d => WithMetadata(d, ("format", "spotlight-model"), ("format_version", "2")), null, "newer Spotlight" },
        { "a nonsense format version", d => WithMetadata(d, ("format", "spotlight-model"), ("format_version", "v1")), null, "unsupported format version 'v1'" },
        { "no checksum", d => WithMetadata(d, ("format", "spotlight-model"), ("format_version", "1"), ("kind", "captioner")), null, "no checksum" },
        { "the wrong kind", d => SaveSample(d, kind: "translator"), "captioner", "holds a 'translator', not a 'captioner'" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_model_file_gives_one_line_naming_the_file_and_the_problem(
        string label, Func<TempDirectory, string> make, string? expectedKind, string phrase)
    {
        using var dir = new TempDirectory();
        var path = make(dir);
        var error = Assert.Throws<SpotlightException>(() => ModelFile.Load(path, expectedKind));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Contains(phrase, StringComparison.Ordinal), $"{label}: '{error.Message}' lacks '{phrase}'");
    }

    public static TheoryData<string, Func<Module>, string> MisfitModels() => new()
    {
        { "a wider hidden layer", () => Mlp(hidden: 16), "'fc1.weight' has shape [8, 4] in the file but [16, 4] in the model" },
        { "an extra layer", () => Mlp(extraLayer: true), "missing 'fc3.weight', 'fc3.bias'" },
        { "a layer fewer", () => Sequential(("fc1", Linear(4, 8))), "unexpected 'bn.bias', 'bn.num_batches_tracked', 'bn.running_mean' (+4 more)" },
        { "double precision", () => Mlp().to(ScalarType.Float64), "'fc1.weight' is Float32 in the file but Float64 in the model" },
    };

    [Theory]
    [MemberData(nameof(MisfitModels))]
    public void Loading_into_a_model_that_does_not_fit_names_the_first_problems(string label, Func<Module> make, string phrase)
    {
        using var dir = new TempDirectory();
        var path = SaveSample(dir);
        using var loaded = ModelFile.Load(path);
        var model = make();
        var before = model.state_dict().ToDictionary(p => p.Key, p => TestFiles.Bytes(p.Value));

        var error = Assert.Throws<SpotlightException>(() => loaded.LoadInto(model));
        Assert.StartsWith(path + ": does not fit this model: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Contains(phrase, StringComparison.Ordinal), $"{label}: '{error.Message}' lacks '{phrase}'");
        foreach (var (name, tensor) in model.state_dict())
            Assert.Equal(before[name], TestFiles.Bytes(tensor));  // nothing was half-loaded
    }

    [Fact]
    public void Saving_refuses_reserved_names_invalid_json_and_a_missing_config()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.spotlight");
        var model = Mlp();
        Assert.Throws<ArgumentException>(() => ModelFile.Save(path, "captioner", model, new Dictionary<string, string> { ["vocabulary"] = "[]" }));
        Assert.Throws<ArgumentException>(() => ModelFile.Save(path, "captioner", model, new Dictionary<string, string> { ["config"] = "{not json" }));
        Assert.Throws<ArgumentException>(() => ModelFile.Save(path, "captioner", model, new Dictionary<string, string> { ["config"] = "{}", ["kind"] = "\"x\"" }));
        Assert.Throws<ArgumentException>(() => ModelFile.Save(path, " ", model, new Dictionary<string, string> { ["config"] = "{}" }));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Inspect_reads_kind_and_blobs_from_the_header_only()
    {
        using var dir = new TempDirectory();
        var (kind, blobs, header) = ModelFile.Inspect(SaveSample(dir, kind: "inpainter"));
        Assert.Equal("inpainter", kind);
        Assert.Equal(Config, blobs["config"]);
        Assert.Contains(header.Entries, e => e.Name == "bn.running_var" && e.DType == "F32");
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static string Write(TempDirectory dir, byte[] bytes)
    {
        var path = dir.File("bad.spotlight");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WithMetadata(TempDirectory dir, params (string Key, string Value)[] metadata)
    {
        var path = dir.File("bad.spotlight");
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["w"] = zeros(2) },
            metadata.ToDictionary(m => m.Key, m => m.Value));
        return path;
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Flip(byte[] bytes, Index at)
    {
        bytes[at] ^= 0x01;
        return bytes;
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        var index = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        Assert.True(index > 0);
        Encoding.ASCII.GetBytes(to).CopyTo(bytes, index);
        return bytes;
    }
}
