namespace Spotlight.Metrics;

/// <summary>
/// The two small English word lists METEOR 1.5 ships (github.com/cmu-mtlab/meteor, LGPL 2.1): the function words
/// whose matches and lengths δ down-weights (resources/function/english.words), and the prefixes after which a
/// period does not end a sentence (resources/nonbreaking/english.prefixes, from the Moses tokenizer).
/// </summary>
public static class MeteorResources
{
    /// <summary>METEOR's English function words, in the file's order.</summary>
    public static IReadOnlyList<string> EnglishFunctionWords { get; } = new[]
    {
        "the", ",", ".", "to", "of", "and", "a", "in", "that", "for", "\"", "is", "on", "'s", "it", "with", "was",
        "as", "said", "at", "he", "by", "be", "from", "have", "has", "are", "his", "but", "an", "this", "not", "i",
        "will", "\u2019", "they", ")", "-rrb-", "(", "-lrb-", "who", "their", "had", "we", "which", "were", "been",
        "more", "or", "s", "its", "would", "about", "new", "one", "after", "you", ":", "also", "up", "when",
        "there", "than", "$", "all", "out", "her", "people", "she", "year", "two", "-", "can", "if", "last",
        "first", "\u201C", "over", "other", "\u201D", "into", "some", "what", "so", "--", "no", "time", "years",
        "could", "?", "'t", "\u2014", "'",
    };

    /// <summary>Prefixes that keep their period in every context.</summary>
    public static IReadOnlyList<string> EnglishNonbreakingPrefixes { get; } =
        Enumerable.Range('A', 26).Select(c => ((char)c).ToString()).Concat(new[]
        {
            "Adj", "Adm", "Adv", "Asst", "Bart", "Bldg", "Brig", "Bros", "Capt", "Cmdr", "Col", "Comdr", "Con",
            "Corp", "Cpl", "DR", "Dr", "Drs", "Ens", "Gen", "Gov", "Hon", "Hr", "Hosp", "Insp", "Lt", "MM", "MR",
            "MRS", "MS", "Maj", "Messrs", "Mlle", "Mme", "Mr", "Mrs", "Ms", "Msgr", "Op", "Ord", "Pfc", "Ph", "Prof",
            "Pvt", "Rep", "Reps", "Res", "Rev", "Rt", "Sen", "Sens", "Sfc", "Sgt", "Sr", "St", "Supt", "Surg",
            "v", "vs", "i.e", "rev", "e.g", "Nos", "Nr",
        }).ToArray();

    /// <summary>Prefixes that keep their period only before a number ("No. 5", "pp. 12").</summary>
    public static IReadOnlyList<string> EnglishNumericOnlyPrefixes { get; } = new[] { "No", "Art", "pp" };
}
