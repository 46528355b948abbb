using Spotlight.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

public class TaskModelFileTests
{
    private sealed record MlpConfig(int Hidden);

    private static readonly TaskModelFile<MlpConfig> Format = new("mlp");

    [Fact]
    public void Config_weights_summary_and_task_blobs_come_back_and_the_summary_has_one_name()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.spotlight");
        using var model = ModelFileTests.Mlp(hidden: 5);
        Format.Save(path, model, new MlpConfig(5), """{"steps":3}""", new Dictionary<string, string> { ["labels"] = """["a"]""" });

        Assert.Equal(["config", "labels", "training_summary"], ModelFile.Inspect(path).Blobs.Keys.Order());
        var (loaded, summary, labels) = Format.Load(path, file =>
            (file.Network(c => ModelFileTests.Mlp(c.Hidden)), file.Summary, file.Read<string[]>("labels")));
        using (loaded)
        {
            Assert.Equal("""{"steps":3}""", summary);
            Assert.Equal(["a"], labels);
            Assert.False(loaded.training);
            foreach (var (name, tensor) in model.state_dict())
                Assert.True(tensor.equal(loaded.state_dict()[name]).all().item<bool>(), name);
        }
        Assert.Equal(new MlpConfig(5), Format.Inspect(path).Config);
    }

    [Fact]
    public void A_summary_saved_under_the_old_inpainting_name_is_read()
    {
        using var dir = new TempDirectory();
        var path = dir.File("old.spotlight");
        using var model = ModelFileTests.Mlp();
        ModelFile.Save(path, "mlp", model, new Dictionary<string, string> { ["config"] = """{"Hidden":8}""", ["summary"] = """{"old":true}""" });
        Assert.Equal("""{"old":true}""", Format.Load(path, file => file.Summary));
    }

    [Fact]
    public void A_file_without_a_summary_has_none()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.spotlight");
        using var model = ModelFileTests.Mlp();
        Format.Save(path, model, new MlpConfig(8));
        Assert.Null(Format.Load(path, file => file.Summary));
    }

    [Fact]
    public void The_file_is_released_after_loading_whether_the_build_succeeds_or_throws()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.spotlight");
        using var model = ModelFileTests.Mlp();
        Format.Save(path, model, new MlpConfig(8));

        Tensor? seen = null;
        Format.Load(path, file => seen = file.File.Tensors["fc1.weight"]);
        Assert.True(seen!.IsInvalid, "the loaded file's tensors were not disposed");

        seen = null;
        Assert.Throws<SpotlightException>(() => Format.Load<int>(path, file =>
        {
            seen = file.File.Tensors["fc1.weight"];
            throw new SpotlightException("build failed");
        }));
        Assert.True(seen!.IsInvalid, "the loaded file's tensors were not disposed after a failed build");
    }

    [Fact]
    public void A_network_that_does_not_fit_is_disposed_and_the_error_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.spotlight");
        using var model = ModelFileTests.Mlp();
        Format.Save(path, model, new MlpConfig(8));
        Tensor? weight = null;
        var e = Assert.Throws<SpotlightException>(() => Format.Load(path, file => file.Network(c =>
        {
            var network = ModelFileTests.Mlp(c.Hidden + 1);
            weight = network.parameters().First();
            return network;
        })));
        Assert.StartsWith($"{path}: does not fit this model", e.Message);
        Assert.True(weight!.IsInvalid, "the half-loaded network was not disposed");
    }

    [Theory]
    [InlineData("config")]
    [InlineData("training_summary")]
    [InlineData("summary")]
    public void A_task_blob_cannot_take_the_name_of_the_config_or_summary(string name)
    {
        using var dir = new TempDirectory();
        using var model = ModelFileTests.Mlp();
        var e = Assert.Throws<ArgumentException>(() => Format.Save(dir.File("m.spotlight"), model, new MlpConfig(8), blobs: new Dictionary<string, string> { [name] = "{}" }));
        Assert.Contains($"'{name}'", e.Message);
        Assert.False(File.Exists(dir.File("m.spotlight")));
    }

    [Fact]
    public void A_file_of_another_kind_is_refused_by_inspect_and_load()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.spotlight");
        using var model = ModelFileTests.Mlp();
        new TaskModelFile<MlpConfig>("other").Save(path, model, new MlpConfig(8));
        Assert.Equal($"{path}: holds a 'other', not a 'mlp'", Assert.Throws<SpotlightException>(() => Format.Inspect(path)).Message);
        Assert.Equal($"{path}: holds a 'other', not a 'mlp'", Assert.Throws<SpotlightException>(() => Format.Load(path, f => f.Config)).Message);
    }
}
