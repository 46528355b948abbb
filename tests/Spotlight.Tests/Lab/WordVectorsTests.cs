using Spotlight.Lab;
using Spotlight.Tests.Checkpoints;

namespace Spotlight.Tests.Lab;

public class WordVectorsTests
{
    // Cosines with "a" = (1, 0): b (0.9, 0.1) → 0.9/√0.82 ≈ 0.994; e (0.1, 0.9) → 0.1/√0.82 ≈ 0.110; c (0, 1) → 0; d (−1, 0) → −1.
    private static readonly WordVectors Hand = new(["a", "b", "c", "d", "e"],
        [[1f, 0f], [0.9f, 0.1f], [0f, 1f], [-1f, 0f], [0.1f, 0.9f]]);

    [Fact]
    public void Nearest_neighbours_of_a_hand_built_matrix_are_the_known_ones()
    {
        var nearest = Hand.Nearest("a", 4);
        Assert.Equal(["b", "e", "c", "d"], nearest.Select(n => n.Word));
        Assert.Equal(0.9 / Math.Sqrt(0.82), nearest[0].Cosine, 5);
        Assert.Equal(0.1 / Math.Sqrt(0.82), nearest[1].Cosine, 5);
        Assert.Equal(0, nearest[2].Cosine, 6);
        Assert.Equal(-1, nearest[3].Cosine, 6);
        Assert.Equal(["e", "b"], Hand.Nearest("c", 2).Select(n => n.Word));
    }

    [Fact]
    public void An_analogy_built_from_orthogonal_parts_is_answered_exactly()
    {
        // man = male + royal₀, woman = female + royal₀, king = male + royal₁, queen = female + royal₁ (orthonormal parts):
        // woman − man + king = female + royal₁ = queen.
        var vectors = new WordVectors(["man", "woman", "king", "queen", "other"],
            [[1f, 0f, 1f, 0f], [0f, 1f, 1f, 0f], [1f, 0f, 0f, 1f], [0f, 1f, 0f, 1f], [1f, 1f, 1f, 1f]]);
        var answers = vectors.Analogy("man", "woman", "king", 2);
        Assert.Equal("queen", answers[0].Word);
        Assert.Equal(1, answers[0].Cosine, 5);
    }

    [Fact]
    public void Pca_of_a_known_matrix_finds_its_axes_and_their_variance()
    {
        // Centred already; variance 8/4 = 2 along x, 2/4 = 0.5 along y, none along z: shares 0.8 and 0.2.
        var projection = Pca.Project([[2f, 0f, 0f], [-2f, 0f, 0f], [0f, 1f, 0f], [0f, -1f, 0f]]);
        Assert.Equal(0.8, projection.FirstShare, 6);
        Assert.Equal(0.2, projection.SecondShare, 6);
        Assert.Equal([2, -2, 0, 0], projection.X.Select(x => Math.Round(x, 6)));
        Assert.Equal([0, 0, 1, -1], projection.Y.Select(y => Math.Round(y, 6)));
    }

    [Fact]
    public void Pca_finds_a_diagonal_direction_after_centring()
    {
        // Points on the line (5, 5) + t(1, 1): one component holds all the variance; projections are t·√2.
        var projection = Pca.Project([[4f, 4f], [5f, 5f], [6f, 6f], [8f, 8f]]);
        Assert.Equal(1, projection.FirstShare, 6);
        Assert.Equal(0, projection.SecondShare, 6);
        var t = new[] { -1.75, -0.75, 0.25, 2.25 };           // offsets from the mean (5.75, 5.75)
        Assert.Equal(t.Select(v => Math.Round(v * Math.Sqrt(2), 5)), projection.X.Select(x => Math.Round(x, 5)));
    }

    [Fact]
    public void The_embeddings_report_names_missing_words_and_writes_its_picture()
    {
        using var dir = new TempDirectory();
        var result = EmbeddingLab.Explore(Hand, new EmbeddingLabSettings("hand", ["a", "zzz"], K: 2), ["a"], "hand-built", "captioner");
        Assert.Equal(["zzz"], result.MissingWords);
        Assert.Equal(5, result.Points.Length);
        var page = EmbeddingsReport.Write(dir.Path, result);
        Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(dir.Path, EmbeddingsReport.PcaPng))[0]);
        var html = File.ReadAllText(page);
        Assert.Contains("<td>b 0.99</td>", html);
        Assert.Contains("zzz", html);
    }

    [Fact]
    public void Words_none_of_which_are_known_are_refused()
    {
        var e = Assert.Throws<SpotlightException>(() => EmbeddingLab.Explore(Hand, new EmbeddingLabSettings("m", ["x", "y"]), ["a"], "m.spotlight", "captioner"));
        Assert.Contains("none of the words (x, y)", e.Message);
    }
}
