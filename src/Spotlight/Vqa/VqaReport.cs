using System.Text;
using Spotlight.Reports;
using Spotlight.Vqa.Data;

namespace Spotlight.Vqa;

/// <summary>
/// VQA on the token-attention page (<see cref="TokenAttentionPage"/>): per question the image, one token per attention
/// hop ("hop 1", "hop 2" …) whose map shows where that hop looked, then the answer; the question, the model's top
/// answers and the expected answer are written under it.
/// </summary>
public static class VqaReport
{
    public static TokenAttentionItem Item(ReportImage image, string question, VqaAnswer answer, string? expected = null)
    {
        var tokens = answer.HopMaps.Select((_, h) => $"hop {h + 1}").Append($"→ {answer.Answer}").ToList();
        var notes = new List<string> { "top: " + string.Join(", ", answer.Top.Select(t => $"{t.Answer} {t.Probability:P0}")) };
        if (expected is not null) notes.Add($"expected: {expected}{(expected == answer.Answer ? " ✓" : " ✗")}");
        return new TokenAttentionItem(image, tokens, answer.HopMaps, answer.GridSize, answer.GridSize)
        {
            Meta = $"Q: {question}  A: {answer.Answer} ({answer.Probability:P0})",
            Notes = notes,
        };
    }

    /// <summary>The evaluation page: the scores table and the first <paramref name="examples"/> questions of each family.</summary>
    public static string Write(string directory, VqaDataset data, IReadOnlyList<VqaQuestion> questions, IReadOnlyList<VqaAnswer> answers,
        VqaScores scores, string title, int examples = 4)
    {
        var items = new List<TokenAttentionItem>();
        foreach (var family in VqaFamilies.In(questions))
            foreach (var i in Enumerable.Range(0, questions.Count).Where(i => questions[i].Family == family).Take(examples))
                items.Add(Item(ReportImage.FromFile(data.ImagePath(questions[i].ImageId)), questions[i].Question, answers[i], questions[i].Answer)
                    with { Meta = $"[{VqaFamilies.Name(family)}] Q: {questions[i].Question}  A: {answers[i].Answer} ({answers[i].Probability:P0})" });
        return TokenAttentionPage.Write(directory, items, title, Table(scores));
    }

    public static string Table(VqaScores s)
    {
        var html = new StringBuilder("<table><tr><th>questions</th><th>overall</th>");
        foreach (var f in s.Families) html.Append($"<th>{VqaFamilies.Name(f)}</th>");
        html.Append("<th>pointing (last hop)</th><th>chance</th></tr>");
        html.Append($"<tr><td>{s.Questions}</td><td>{s.Accuracy:P1}</td>");
        foreach (var f in s.Families) html.Append($"<td>{s.PerFamily[f].Accuracy:P1}</td>");
        html.Append($"<td>{(s.Pointing is double p ? p.ToString("P1") : "–")}</td><td>{s.PointingChance:P1}</td></tr></table>");
        return html.ToString();
    }
}
