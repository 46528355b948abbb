using System.Diagnostics;
using Spotlight.Captioning;
using Spotlight.Tests.Captioning;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.Examples;

/// <summary>examples/CaptionFromCode, run as a user runs it, on a tiny model trained here for a few steps.</summary>
[Collection(TinyCaptioningCollection.Name)]
public class CaptionFromCodeTests(TinyCaptioningData data)
{
    /// <summary>examples/NAME/bin/&lt;configuration&gt;/&lt;framework&gt;/NAME.dll, built with the tests (they reference it).</summary>
    internal static string ExampleProgram(string name)
    {
        // tests/Spotlight.Tests/bin/<configuration>/<framework>/ → examples/<name>/bin/<configuration>/<framework>/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "examples", name, "bin", configuration, framework, name + ".dll");
    }

    internal static (int Code, string Out, string Err) RunExample(params string[] args) => RunProgram(ExampleProgram("CaptionFromCode"), args);

    internal static (int Code, string Out, string Err) RunProgram(string program, params string[] args)
    {
        Assert.True(File.Exists(program), $"{program} was not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(program);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the example did not finish in 2 minutes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void The_example_prints_the_libraries_caption_and_where_each_word_looked()
    {
        using var dir = new TempDirectory();
        var options = TinyCaptioningData.Options with { Epochs = 1 };
        var trained = new CaptionTrainer(data.Dataset, TinyCaptioningData.Config(), options).Train(dir.File("m.spotlight"));
        var photo = data.Dataset.Split("test").Images[0].ImagePath;

        var (code, output, error) = RunExample(trained.BestModelPath, photo);

        Assert.True(code == 0, error);
        using var model = CaptionModel.Load(trained.BestModelPath);
        AssertCaptionAndPeaks(model.CaptionFiles([photo], new CaptionOptions(Beam: 3))[0], output, " ");
    }

    /// <summary>An example's output: the caption, then a line per word "WORD\trow R, column C" + <paramref name="after"/>, at the library's attention peak.</summary>
    internal static void AssertCaptionAndPeaks(CaptionResult expected, string output, string after)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Caption, lines[0]);
        Assert.Equal(expected.Tokens.Count, lines.Length - 1);
        for (int t = 0; t < expected.Tokens.Count; t++)
        {
            var weights = expected.Attention.Weights[t];
            int peak = Array.IndexOf(weights, weights.Max());
            Assert.StartsWith($"{expected.Tokens[t]}\trow {peak / expected.Attention.GridWidth}, column {peak % expected.Attention.GridWidth}{after}", lines[t + 1]);
        }
    }

    [Fact]
    public void A_missing_photo_gives_one_line_and_exit_code_1()
    {
        using var dir = new TempDirectory();
        using (var model = data.RandomModel()) model.Save(dir.File("m.spotlight"));
        var (code, _, error) = RunExample(dir.File("m.spotlight"), dir.File("no-such.jpg"));
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("no-such.jpg", line);
    }
}
