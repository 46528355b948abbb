using Spotlight.Lab;
using Spotlight.Tests.Checkpoints;
using Spotlight.Text;
using TorchSharp;

namespace Spotlight.Tests.Lab;

public class PretrainedVectorsTests
{
    private static string Write(TempDirectory dir, string text)
    {
        var path = dir.File("vectors.txt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void GloVe_and_word2vec_text_files_are_read()
    {
        using var dir = new TempDirectory();
        var glove = PretrainedVectors.Read(Write(dir, "red 0.5 -1 2e-1\n\nblue 1 2 3\n"));
        Assert.Equal(3, glove.Dimension);
        Assert.Equal([0.5f, -1f, 0.2f], glove.Vectors["red"]);
        var word2vec = PretrainedVectors.Read(Write(dir, "2 2\nred 1 2\nblue 3 4\n"), keep: w => w == "blue");
        Assert.Equal((2, 2), (word2vec.Dimension, word2vec.Rows));
        Assert.Equal(["blue"], word2vec.Vectors.Keys);
    }

    [Theory]
    [InlineData("red 1 2 3\nblue 1 2\n", ":2: 2 values, but the rows before have 3 (ragged row)")]
    [InlineData("2 3\nred 1 2 3\nblue 1 2 3 4\n", ":3: 4 values, but the rows before have 3 (ragged row)")]
    [InlineData("2 4\nred 1 2 3\n", ":2: 3 values, but the header declares 4 dimensions")]
    [InlineData("red 1 2 3\nblue 1 x 3\n", ":2: value 2 of 'blue' is not a finite number: 'x'")]
    [InlineData("red 1 2 3\ngreen 1 2 NaN\n", ":2: value 3 of 'green' is not a finite number: 'NaN'")]
    [InlineData("red 1 2\nalone\n", ":2: 'alone' has no values")]
    public void Bad_rows_are_refused_with_the_file_and_line(string text, string expected)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, text);
        var e = Assert.Throws<SpotlightException>(() => PretrainedVectors.Read(path));
        Assert.Equal(path + expected, e.Message);
    }

    [Fact]
    public void Written_vectors_read_back_exactly()
    {
        using var dir = new TempDirectory();
        var path = dir.File("out.txt");
        new WordVectors(["red", "blue"], [[0.1f, -3.25e-7f], [1f / 3, 2f]]).WriteText(path);
        var read = PretrainedVectors.Read(path);
        Assert.Equal([0.1f, -3.25e-7f], read.Vectors["red"]);
        Assert.Equal([1f / 3, 2f], read.Vectors["blue"]);
    }

    [Fact]
    public void A_dimension_other_than_the_embeddings_is_an_error_naming_both()
    {
        using var dir = new TempDirectory();
        var vectors = PretrainedVectors.Read(Write(dir, "red 1 2 3\n"));
        using var embeddings = torch.zeros(6, 4);
        var vocabulary = Vocabulary.Build([["red", "red", "blue"]], minCount: 1);   // red = 4 (more frequent), blue = 5
        var e = Assert.Throws<SpotlightException>(() => vectors.CopyInto(embeddings, vocabulary));
        Assert.Contains("have 3 dimensions but the word embeddings have 4", e.Message);
    }

    [Fact]
    public void Found_words_are_copied_and_missing_ones_keep_their_start()
    {
        using var dir = new TempDirectory();
        var vectors = PretrainedVectors.Read(Write(dir, "red 1 2\ngreen 5 6\n"));
        using var embeddings = torch.full(6, 2, 9f);
        var vocabulary = Vocabulary.Build([["red", "red", "blue"]], minCount: 1);   // red = 4 (more frequent), blue = 5
        var result = vectors.CopyInto(embeddings, vocabulary);
        Assert.Equal(1, result.Found);
        Assert.Equal(["blue"], result.Missing);
        var rows = embeddings.data<float>().ToArray();
        Assert.Equal([9f, 9f, 9f, 9f, 9f, 9f, 9f, 9f, 1f, 2f, 9f, 9f], rows);
    }
}
