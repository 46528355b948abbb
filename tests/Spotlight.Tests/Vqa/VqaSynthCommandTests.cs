using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Vqa;

[Collection("Console")]
public class VqaSynthCommandTests
{
    [Fact]
    public void Synth_writes_a_set_and_refuses_to_overwrite_it_silently()
    {
        using var dir = new TempDirectory();
        string[] args = ["vqa", "synth", "--out", dir.Path, "--train", "20", "--val", "3", "--test", "3", "--seed", "2"];
        var (code, output, _) = CliHarness.Run(args);
        Assert.Equal(0, code);
        Assert.Contains("wrote 26 scenes", output);
        Assert.Equal(26, Directory.GetFiles(dir.File("images")).Length);
        var again = CliHarness.Run(args);
        Assert.Equal(1, again.Code);
        Assert.Contains("--overwrite", again.Err);
        Assert.Equal(0, CliHarness.Run([.. args, "--overwrite"]).Code);
    }
}
