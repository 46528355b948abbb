namespace Spotlight.Vqa.Data;

/// <summary>
/// The question families of the synthetic set (CLEVR-style). The attribute query is two families, one per attribute,
/// so that each family's majority-answer prior is what a question-only model can reach.
/// </summary>
public enum VqaFamily { QueryColour, QueryShape, Exist, Count, Compare, Relate }

public static class VqaFamilies
{
    public static readonly IReadOnlyList<VqaFamily> All = Enum.GetValues<VqaFamily>();

    /// <summary>The family's name in questions.json and in reports: query_colour, query_shape, exist, count, compare, relate.</summary>
    public static string Name(VqaFamily family) => family switch
    {
        VqaFamily.QueryColour => "query_colour",
        VqaFamily.QueryShape => "query_shape",
        VqaFamily.Exist => "exist",
        VqaFamily.Count => "count",
        VqaFamily.Compare => "compare",
        _ => "relate",
    };

    public static VqaFamily? Parse(string name) => All.Cast<VqaFamily?>().FirstOrDefault(f => Name(f!.Value) == name);
}

/// <summary>
/// One question about one image. <see cref="Refs"/> are the indices (in the image's objects.json list) of every object
/// the question names or counts; <see cref="Target"/> is the one object whose attribute the answer reports (attribute
/// and relation questions, or an existence question with exactly one match), used to score where attention points.
/// </summary>
public sealed record VqaQuestion(
    int Id, string ImageId, string Split, string Question, string Answer, VqaFamily Family, string Template,
    IReadOnlyList<int> Refs, int? Target);
