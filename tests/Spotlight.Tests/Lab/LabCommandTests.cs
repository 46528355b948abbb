using Spotlight.Tests.Checkpoints;

namespace Spotlight.Tests.Lab;

[Collection("Console")]
public class LabCommandTests
{
    [Fact]
    public void Vanishing_gradients_prints_its_table_and_writes_the_report()
    {
        using var dir = new TempDirectory();
        // --threads 0 leaves libtorch's thread count alone (the command's default of 1 would apply to the whole test run).
        var (code, output, error) = CliHarness.Run("lab", "vanishing-gradients", "--depth", "3", "--width", "8", "--steps", "3", "--threads", "0", "--out", dir.Path);
        Assert.True(code == 0, error);
        Assert.Contains("relu + batch norm", output);
        Assert.Contains("sigmoid + residual", output);
        Assert.True(File.Exists(Path.Combine(dir.Path, "index.html")));
    }

    [Fact]
    public void Vanishing_gradients_refuses_a_bad_depth_in_one_line()
    {
        var (code, _, error) = CliHarness.Run("lab", "vanishing-gradients", "--depth", "0", "--threads", "0");
        Assert.Equal(1, code);
        Assert.Equal("error: --depth must be between 1 and 100, got 0", error.Trim());
    }

    [Fact]
    public void Embeddings_of_a_captioner_are_reported()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = CliHarness.Run("lab", "embeddings", FixtureTests.Fixture("captioner.spotlight"), "--k", "3", "--out", dir.Path);
        Assert.True(code == 0, error);
        Assert.Contains("report:", output);
        Assert.True(File.Exists(Path.Combine(dir.Path, "pca.png")));
        Assert.Contains("Nearest neighbours", File.ReadAllText(Path.Combine(dir.Path, "index.html")));
    }

    [Fact]
    public void Embeddings_of_a_translator_are_means_of_subword_pieces()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliHarness.Run("lab", "embeddings", FixtureTests.Fixture("translator.spotlight"), "--words", "bad,cafe,fed,head,zzz", "--k", "2", "--out", dir.Path);
        Assert.True(code == 0, error);
        Assert.Contains("not in the vocabulary: zzz", error);           // z is outside the fixture's alphabet a–h
        Assert.Contains("mean of its subword pieces", File.ReadAllText(Path.Combine(dir.Path, "index.html")));
    }

    [Fact]
    public void Embeddings_of_a_model_without_words_is_a_one_line_error()
    {
        var (code, _, error) = CliHarness.Run("lab", "embeddings", FixtureTests.Fixture("encoder.spotlight"));
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains("captioner's or a translator's", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Init_embeddings_of_another_dimension_than_embed_dim_is_an_error_naming_both()
    {
        using var dir = new TempDirectory();
        var vectors = dir.File("vectors.txt");
        File.WriteAllText(vectors, "red 1 2 3\n");
        var (code, _, error) = CliHarness.Run("train", "--data", dir.Path, "--out", dir.File("m.spotlight"), "--init-embeddings", vectors, "--embed-dim", "8");
        Assert.Equal(1, code);
        Assert.Contains("has 3-dimensional vectors but --embed-dim is 8", error);
    }
}
