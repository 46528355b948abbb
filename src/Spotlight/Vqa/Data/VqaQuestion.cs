namespace Spotlight.Vqa.Data;

/// <summary>
/// The question families: those of the synthetic set (CLEVR-style; the attribute query is two families, one per
/// attribute, so that each family's majority-answer prior is what a question-only model can reach), then VQA v2's
/// answer types, by which its results are reported.
/// </summary>
public enum VqaFamily { QueryColour, QueryShape, Exist, Count, Compare, Relate, YesNo, Number, Other }

public static class VqaFamilies
{
    public static readonly IReadOnlyList<VqaFamily> All = Enum.GetValues<VqaFamily>();

    /// <summary>The families <c>spotlight vqa synth</c> writes.</summary>
    public static readonly IReadOnlyList<VqaFamily> Synthetic = [.. All.Take(6)];

    /// <summary>The families that occur in <paramref name="questions"/>, in their order.</summary>
    public static IReadOnlyList<VqaFamily> In(IEnumerable<VqaQuestion> questions)
    {
        var present = questions.Select(q => q.Family).ToHashSet();
        return [.. All.Where(present.Contains)];
    }

    /// <summary>The family's name in questions.json and in reports: query_colour, query_shape, exist, count, compare, relate.</summary>
    public static string Name(VqaFamily family) => family switch
    {
        VqaFamily.QueryColour => "query_colour",
        VqaFamily.QueryShape => "query_shape",
        VqaFamily.Exist => "exist",
        VqaFamily.Count => "count",
        VqaFamily.Compare => "compare",
        VqaFamily.Relate => "relate",
        VqaFamily.YesNo => "yes/no",
        VqaFamily.Number => "number",
        _ => "other",
    };

    public static VqaFamily? Parse(string name) => All.Cast<VqaFamily?>().FirstOrDefault(f => Name(f!.Value) == name);
}

/// <summary>
/// One question about one image. <see cref="Refs"/> are the indices (in the image's objects.json list) of every object
/// the question names or counts; <see cref="Target"/> is the one object whose attribute the answer reports (attribute
/// and relation questions, or an existence question with exactly one match), used to score where attention points.
/// <see cref="HumanAnswers"/> are VQA v2's ten annotators' answers: an answer is then scored with the official VQA
/// accuracy against them (<see cref="VqaV2Accuracy"/>) instead of by equality with <see cref="Answer"/>, the training
/// label (their most common answer).
/// </summary>
public sealed record VqaQuestion(
    int Id, string ImageId, string Split, string Question, string Answer, VqaFamily Family, string Template,
    IReadOnlyList<int> Refs, int? Target, IReadOnlyList<string>? HumanAnswers = null)
{
    /// <summary>The credit <paramref name="predicted"/> earns: 1 or 0 on the synthetic set, the VQA accuracy on VQA v2.</summary>
    public double Credit(string predicted) => HumanAnswers is null ? (predicted == Answer ? 1 : 0) : VqaV2Accuracy.Score(predicted, HumanAnswers);
}
