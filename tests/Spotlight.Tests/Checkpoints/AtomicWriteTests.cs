using Spotlight.IO;
using Spotlight.Checkpoints;
using static TorchSharp.torch;

namespace Spotlight.Tests.Checkpoints;

public class AtomicWriteTests
{
    private static readonly Dictionary<string, string> Blobs = new() { ["config"] = "{}" };

    [Fact]
    public void Saving_leaves_only_the_target_file_behind_even_when_overwriting()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.spotlight");
        ModelFile.Save(path, "captioner", ModelFileTests.Mlp(), Blobs);
        ModelFile.Save(path, "captioner", ModelFileTests.Mlp(hidden: 5), Blobs);

        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(dir.Path));
        using var loaded = ModelFile.Load(path);
        Assert.Equal(new long[] { 5, 4 }, loaded.Tensors["fc1.weight"].shape);  // the second save won
    }

    [Fact]
    public void A_write_that_fails_midway_keeps_the_old_file_intact_and_removes_its_temp_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.spotlight");
        ModelFile.Save(path, "captioner", ModelFileTests.Mlp(), Blobs);
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);  // half a file has reached the disk...
            throw new IOException("disk full");  // ...when the write fails
        }));

        Assert.Equal("disk full", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(dir.Path));
        using var loaded = ModelFile.Load(path);  // and it still verifies
    }

    [Fact]
    public void A_crash_between_writing_the_temp_file_and_renaming_it_never_touches_the_existing_file()
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.spotlight");
        ModelFile.Save(path, "captioner", ModelFileTests.Mlp(), Blobs);
        var before = File.ReadAllBytes(path);

        // What a killed process leaves: a complete-looking or partial temp file, never renamed.
        var newer = dir.File("newer.spotlight");
        ModelFile.Save(newer, "captioner", ModelFileTests.Mlp(hidden: 6), Blobs);
        var partial = File.ReadAllBytes(newer)[..300];
        File.WriteAllBytes(Path.Combine(dir.Path, AtomicFile.TempPrefix + "model.spotlight-deadbeef"), partial);
        File.Delete(newer);

        Assert.Equal(before, File.ReadAllBytes(path));
        using var loaded = ModelFile.Load(path);
        Assert.Equal(new long[] { 8, 4 }, loaded.Tensors["fc1.weight"].shape);
    }

    [Fact]
    public void Saving_into_a_missing_directory_creates_it()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "runs", "7", "w.safetensors");
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["x"] = ones(2) });
        using var file = SafeTensors.Read(path);
        Assert.Equal(new[] { 1f, 1f }, file.Tensors["x"].data<float>().ToArray());
    }
}
