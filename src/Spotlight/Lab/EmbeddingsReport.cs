using System.Globalization;
using Spotlight.IO;
using Spotlight.Reports;

namespace Spotlight.Lab;

/// <summary>The embeddings lab's outputs: <c>pca.png</c> (labelled words) and <c>index.html</c> (neighbours, analogies, picture).</summary>
public static class EmbeddingsReport
{
    public const string PcaPng = "pca.png", Page = "index.html";

    /// <summary>Writes both files into <paramref name="directory"/>; returns the page's path.</summary>
    public static string Write(string directory, EmbeddingLabResult result)
    {
        Directory.CreateDirectory(directory);
        var png = Path.Combine(directory, PcaPng);
        CurvesPng.WritePoints(png, $"Word embeddings, PCA ({Share(result.FirstShare + result.SecondShare)} of the variance)",
            $"first component ({Share(result.FirstShare)})", $"second component ({Share(result.SecondShare)})", result.Points);
        var page = new HtmlPage("Word embeddings")
            .Heading("Word embeddings")
            .Paragraph($"{Path.GetFileName(result.ModelPath)}: a {result.ModelKind}'s {result.Dimension}-dimensional embeddings of " +
                $"{result.VocabularyWords} words" + (result.ModelKind == "translator" ? " (target side; a word is the mean of its subword pieces)." : "."));
        if (result.MissingWords.Count > 0) page.Paragraph($"Not in the vocabulary: {string.Join(", ", result.MissingWords)}.");
        page.Heading("Nearest neighbours (cosine similarity)", 2)
            .Table(["word", .. Enumerable.Range(1, result.Queries.Max(q => q.Neighbours.Count)).Select(i => $"#{i}")],
                result.Queries.Select(q => (IReadOnlyList<string>)[q.Word, .. q.Neighbours.Select(n => $"{n.Word} {C(n.Cosine)}")]));
        page.Heading("Analogies", 2);
        if (result.Analogies.Count == 0)
            page.Paragraph("None of the known analogy quadruples (man : woman :: king : queen, small : large :: little : big, …) has all four words in this vocabulary.");
        else
            page.Paragraph("a : b :: c : ? answered by the words nearest to b − a + c (a, b, c left out).")
                .Table(["a : b :: c", "expected", "answers", "right?"],
                    result.Analogies.Select(a => (IReadOnlyList<string>)[$"{a.A} : {a.B} :: {a.C}", a.Expected,
                        string.Join(", ", a.Answers.Select(n => $"{n.Word} {C(n.Cosine)}")), a.Correct ? "yes" : "no"]));
        page.Heading("2-D projection", 2)
            .Figure(File.ReadAllBytes(png), $"PCA of all {result.VocabularyWords} word vectors; {result.Points.Length} words labelled");
        return page.Write(Path.Combine(directory, Page));
    }

    private static string C(double cosine) => cosine.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Share(double share) => share.ToString("P0", CultureInfo.InvariantCulture);
}
