using Spotlight.Cli;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.CaptioningData;

[Collection("Console")]
public class DataCommandTests
{
    [Fact]
    public void Synth_writes_a_loadable_set_and_refuses_to_overwrite_it_silently()
    {
        using var dir = new TempDirectory();
        string[] args = ["data", "synth", "--out", dir.Path, "--train", "3", "--val", "1", "--test", "1", "--size", "32", "--seed", "4"];
        Assert.Equal(0, Code(args));
        Assert.Equal(5, Directory.GetFiles(dir.File("images")).Length);
        Assert.True(File.Exists(dir.File("objects.json")));
        Assert.Equal(1, Code(args));
        Assert.Equal(0, Code([.. args, "--overwrite"]));
        Assert.Equal(0, Code(["data", "stats", dir.Path]));
    }

    [Fact]
    public void Synth_creates_missing_parent_directories()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, Code(["data", "synth", "--out", dir.File("a/b"), "--train", "1", "--val", "0", "--test", "0"]));
        Assert.True(File.Exists(dir.File("a/b/captions.json")));
    }

    [Fact]
    public void Stats_on_a_missing_path_fails_with_exit_code_1()
    {
        using var dir = new TempDirectory();
        Assert.Equal(1, Code(["data", "stats", dir.File("nope")]));
    }

    private static int Code(string[] args) => CliHarness.Run(args).Code;
}
