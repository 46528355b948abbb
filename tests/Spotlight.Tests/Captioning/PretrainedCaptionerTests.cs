using Spotlight.Onnx;
using Spotlight.Captioning;
using Spotlight.Checkpoints;
using Spotlight.Tests.Vision;
using Spotlight.Text;
using Spotlight.Vision.Encoders.Onnx;

namespace Spotlight.Tests.Captioning;

/// <summary>The pretrained captioner in models/ (copied beside every program that references Spotlight), on samples/.</summary>
[Collection("Console")]
public class PretrainedCaptionerTests
{
    /// <summary>tests/Spotlight.Tests/bin/&lt;configuration&gt;/&lt;framework&gt;/ → the repository root.</summary>
    internal static string Repository => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    private static IReadOnlyList<string> Samples =>
        [.. Directory.GetFiles(Path.Combine(Repository, "samples")).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_shipped_model_loads_with_its_encoder_checked_and_captions_every_sample_in_english()
    {
        var (_, blobs, _) = ModelFile.Inspect(CaptionModel.PretrainedPath);
        var reference = System.Text.Json.JsonSerializer.Deserialize<EncoderReference>(blobs[CaptionModel.EncoderReferenceBlob], CaptionModel.Json)!;
        Assert.Equal(OnnxFile.Sha256(CntkResNet18.FindInOutput()!), reference.Sha256);
        Assert.Equal(CntkResNet18.PackageId, reference.Package);
        Assert.True(new FileInfo(CaptionModel.PretrainedPath).Length < 30_000_000);

        using var model = CaptionModel.LoadPretrained();
        Assert.True(model.Vocabulary.Count > 1000, $"vocabulary of {model.Vocabulary.Count}");
        Assert.True(Samples.Count >= 4);
        foreach (var photo in Samples)
        {
            var result = model.Caption(photo);
            Assert.True(result.Tokens.Count >= 3 && result.Finished, $"{photo}: '{result.Caption}'");
            Assert.All(result.Tokens, w => Assert.True(model.Vocabulary.Contains(w) && w != "<unk>" && w.All(char.IsAsciiLetterLower), $"{photo}: '{w}'"));
            Assert.Equal(result.Tokens.Count, result.Attention.Weights.Length);
            Assert.All(result.Attention.Weights, row => Assert.Equal(1.0, row.Sum(w => (double)w), 3));
            Assert.Equal((7, 7), (result.Attention.GridHeight, result.Attention.GridWidth));

            using var stream = File.OpenRead(photo);
            Assert.Equal(result.Caption, model.Caption(stream, Path.GetFileName(photo)).Caption);
        }
    }

    [Fact]
    public void Caption_without_a_model_uses_the_shipped_one_and_equals_the_library()
    {
        using var model = CaptionModel.LoadPretrained();
        var expected = Samples.Select(p => $"{p}\t{model.Caption(p).Caption}").ToList();
        var (code, output, error) = CliHarness.Run(["caption", .. Samples]);
        Assert.True(code == 0, error);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The first argument is a model only when it is one: the old form still works.
        (code, var explicitModel, error) = CliHarness.Run("caption", CaptionModel.PretrainedPath, Samples[0]);
        Assert.True(code == 0, error);
        Assert.Equal(expected[0], explicitModel.Trim());
        (code, var option, error) = CliHarness.Run("caption", "--model", CaptionModel.PretrainedPath, Samples[1]);
        Assert.Equal(expected[1], option.Trim());

        using var dir = new TempDirectory();
        (code, _, error) = CliHarness.Run("caption", Samples[0], "--report", dir.File("page"));
        Assert.True(code == 0, error);
        Assert.Contains(model.Caption(Samples[0]).Tokens[0], File.ReadAllText(dir.File("page/index.html")));
    }

    [Fact]
    public void A_tampered_copy_is_refused_with_one_line_and_a_bad_photo_too()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(CaptionModel.PretrainedPath);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(dir.File("tampered.spotlight"), bytes);
        var (code, _, error) = CliHarness.Run("caption", dir.File("tampered.spotlight"), Samples[0]);
        Assert.Equal(1, code);
        Assert.Contains("tampered.spotlight: checksum mismatch", error);
        Assert.Single(error.Trim().Split('\n'));

        File.WriteAllBytes(dir.File("broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        (code, _, error) = CliHarness.Run("caption", dir.File("broken.jpg"));
        Assert.Equal(1, code);
        Assert.Contains("broken.jpg", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void The_example_captions_a_sample_with_the_shipped_model()
    {
        var (code, output, error) = Spotlight.Tests.Examples.CaptionFromCodeTests.RunExample(Samples[0]);
        Assert.True(code == 0, error);
        using var model = CaptionModel.LoadPretrained();
        Assert.Equal(model.Caption(Samples[0], new CaptionOptions(Beam: 3)).Caption, output.Split('\n')[0]);
    }

    [Fact]
    public void Without_the_resnet_package_beside_the_program_loading_says_which_package_to_restore_in_one_line()
    {
        // The example's build output, linked file by file into a folder without DnnImageModels/: a program whose build
        // did not get the package's ONNX files.
        var built = Path.GetDirectoryName(Spotlight.Tests.Examples.CaptionFromCodeTests.ExampleProgram("CaptionFromCode"))!;
        using var dir = new TempDirectory();
        foreach (var entry in Directory.EnumerateFileSystemEntries(built).Where(e => Path.GetFileName(e) != "DnnImageModels"))
        {
            var target = Path.Combine(dir.Path, Path.GetFileName(entry));
            // The program's own files are copied (the host takes the program's folder from the real path of its dll).
            if (Path.GetFileName(entry).StartsWith("CaptionFromCode.", StringComparison.Ordinal)) File.Copy(entry, target);
            else File.CreateSymbolicLink(target, entry);
        }

        var (code, _, error) = Spotlight.Tests.Examples.CaptionFromCodeTests.RunProgram(Path.Combine(dir.Path, "CaptionFromCode.dll"), Samples[0]);

        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(CntkResNet18.PackageId, line);
        Assert.Contains(Path.Combine(dir.Path, CntkResNet18.RelativePath), line);
    }
}
