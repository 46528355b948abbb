using System.Text.RegularExpressions;

namespace Spotlight.Vqa.Data;

/// <summary>
/// The VQA v2 accuracy (Antol et al. 2015; Goyal et al. 2017): an answer scores min(#annotators who gave it / 3, 1),
/// averaged over the ten leave-one-out subsets of the ten human answers. As in the official evaluation script,
/// answers are trimmed (newlines and tabs become spaces) and, when the annotators do not all agree, the answer and every
/// human answer are normalised: punctuation (removed, or a space where it joins words; a comma between digits and a
/// period not before a digit are removed), lowercase, number words "none"/"zero"…"ten" → digits, articles removed,
/// common contractions written with their apostrophe ("dont" → "don't"; a subset of the official table).
/// </summary>
public static partial class VqaV2Accuracy
{
    private static readonly char[] Punctuation = [';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+', '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'];
    private static readonly Dictionary<string, string> Numbers = new()
    {
        ["none"] = "0", ["zero"] = "0", ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5",
        ["six"] = "6", ["seven"] = "7", ["eight"] = "8", ["nine"] = "9", ["ten"] = "10",
    };
    private static readonly HashSet<string> Articles = ["a", "an", "the"];
    private static readonly Dictionary<string, string> Contractions = new[]
    {
        "aint", "arent", "cant", "couldnt", "couldve", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt",
        "mightve", "mustnt", "mustve", "neednt", "shouldnt", "shouldve", "thats", "theres", "theyd", "theyll", "theyre", "theyve",
        "wasnt", "werent", "weve", "whats", "wheres", "whos", "wont", "wouldnt", "wouldve", "youd", "youll", "youre", "youve",
    }.ToDictionary(w => w, Apostrophe);

    /// <summary>"dont" → "don't", "couldve" → "could've", "youre" → "you're": the apostrophe before the last n't/'ve/'re/'ll/'d/'s.</summary>
    private static string Apostrophe(string word)
    {
        foreach (var tail in new[] { "nt", "ve", "re", "ll", "d", "s" })
            if (word.EndsWith(tail, StringComparison.Ordinal))
                return word == "cant" ? "can't" : word == "wont" ? "won't" : word == "aint" ? "ain't"
                    : tail == "nt" ? word[..^2] + "n't" : word[..^tail.Length] + "'" + tail;
        return word;
    }

    [GeneratedRegex(@"(\d)(,)(\d)")]
    private static partial Regex CommaBetweenDigits();

    [GeneratedRegex(@"\.(?!\d)")]
    private static partial Regex PeriodNotBeforeDigit();

    public static string Normalize(string answer)
    {
        var text = answer;
        bool stripAll = CommaBetweenDigits().IsMatch(answer);
        foreach (var p in Punctuation)
        {
            bool spaced = answer.Contains($"{p} ", StringComparison.Ordinal) || answer.Contains($" {p}", StringComparison.Ordinal);
            text = text.Replace(p.ToString(), spaced || stripAll ? "" : " ", StringComparison.Ordinal);
        }
        text = PeriodNotBeforeDigit().Replace(text, "");
        var words = text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => Numbers.GetValueOrDefault(w, w)).Where(w => !Articles.Contains(w))
            .Select(w => Contractions.GetValueOrDefault(w, w));
        return string.Join(' ', words);
    }

    private static string Trim(string text) => text.Replace('\n', ' ').Replace('\t', ' ').Trim();

    /// <summary>The accuracy of <paramref name="prediction"/> against the (usually ten) human answers.</summary>
    public static double Score(string prediction, IReadOnlyList<string> humanAnswers)
    {
        if (humanAnswers.Count < 2) throw new ArgumentException("VQA accuracy needs at least two human answers", nameof(humanAnswers));
        var humans = humanAnswers.Select(Trim).ToList();
        var answer = Trim(prediction);
        if (humans.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            humans = [.. humans.Select(Normalize)];
            answer = Normalize(answer);
        }
        double total = 0;
        for (int left = 0; left < humans.Count; left++)
        {
            int matching = humans.Where((h, i) => i != left && h == answer).Count();
            total += Math.Min(1.0, matching / 3.0);
        }
        return total / humans.Count;
    }
}
