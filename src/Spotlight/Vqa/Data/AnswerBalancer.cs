namespace Spotlight.Vqa.Data;

/// <summary>
/// Keeps the answers of each (split, template) level, so that a model that reads only the question cannot beat the
/// majority-answer prior by much: a question is taken only when its answer is one of the least frequent so far among
/// those the scene offers, and at most <see cref="Slack"/> ahead of the template's rarest answer. The bound that holds
/// for every finished set: max count − min count ≤ Slack(min) + 1.
/// </summary>
public sealed class AnswerBalancer
{
    private readonly Dictionary<(string Split, string Template), Dictionary<string, int>> counts = [];

    /// <summary>How far an answer may run ahead of the rarest: 2 questions, plus a tenth of the rarest count.</summary>
    public static int Slack(int min) => 2 + min / 10;

    /// <summary>Picks the candidate to ask (or null: none keeps the balance) and counts its answer.</summary>
    public QuestionCandidate? Choose(string split, string template, IReadOnlyList<QuestionCandidate> candidates, Captioning.Data.SeededRandom rng)
    {
        if (candidates.Count == 0) return null;
        if (!counts.TryGetValue((split, template), out var perAnswer))
            counts[(split, template)] = perAnswer = QuestionGrammar.AnswersOf(template).ToDictionary(a => a, _ => 0);
        int min = perAnswer.Values.Min();
        var offered = candidates.Select(c => c.Answer).Distinct().OrderBy(a => perAnswer[a]).ThenBy(a => a, StringComparer.Ordinal).ToList();
        var answer = offered[0];
        if (perAnswer[answer] - min > Slack(min)) return null;
        // Ties between equally rare answers are broken by the generator, not by the answer's name.
        var rarest = offered.Where(a => perAnswer[a] == perAnswer[answer]).ToList();
        answer = rng.Pick(rarest);
        perAnswer[answer]++;
        return rng.Pick(candidates.Where(c => c.Answer == answer).ToList());
    }
}
