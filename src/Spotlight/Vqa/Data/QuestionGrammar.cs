using Spotlight.Captioning.Data.Synthetic;

namespace Spotlight.Vqa.Data;

/// <summary>One true question a scene allows, before answer balancing picks among them.</summary>
public sealed record QuestionCandidate(string Question, string Answer, VqaFamily Family, string Template, int[] Refs, int? Target);

/// <summary>
/// Every question of each template that a scene answers unambiguously, with its answer computed from the objects:
/// <list type="bullet">
/// <item>query_colour "what colour is the triangle?" (the only triangle) · query_shape "what shape is the red object?"
/// (the only red object);</item>
/// <item>exist "is there a blue circle?" (yes/no, every colour × shape);</item>
/// <item>count "how many squares are there?" / "how many green objects are there?" (0–3);</item>
/// <item>compare "are there more circles than squares?" (yes only when strictly more; at least one of the two present);</item>
/// <item>relate "what colour is the shape left of the green square?": the anchor is the only green square, exactly one
/// object stands in that relation to it (<see cref="SpatialRelation.Between"/>), and every other object stands in a
/// clear, different one.</item>
/// </list>
/// </summary>
public static class QuestionGrammar
{
    public const int MaxCount = 3;

    public static readonly IReadOnlyDictionary<string, VqaFamily> Templates = new Dictionary<string, VqaFamily>
    {
        ["query_colour"] = VqaFamily.QueryColour,
        ["query_shape"] = VqaFamily.QueryShape,
        ["exist"] = VqaFamily.Exist,
        ["count_shape"] = VqaFamily.Count,
        ["count_colour"] = VqaFamily.Count,
        ["compare"] = VqaFamily.Compare,
        ["relate"] = VqaFamily.Relate,
    };

    /// <summary>The answers a template can have: balancing keeps their counts level.</summary>
    public static IReadOnlyList<string> AnswersOf(string template) => Templates[template] switch
    {
        VqaFamily.QueryColour or VqaFamily.Relate => [.. Enum.GetValues<ObjectColour>().Select(SceneWords.Word)],
        VqaFamily.QueryShape => [.. Enum.GetValues<ShapeKind>().Select(SceneWords.Word)],
        VqaFamily.Exist or VqaFamily.Compare => ["yes", "no"],
        _ => [.. Enumerable.Range(0, MaxCount + 1).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))],
    };

    private static readonly Dictionary<Relation, string> RelationWords = new()
    {
        [Relation.LeftOf] = "left of", [Relation.RightOf] = "right of", [Relation.Above] = "above", [Relation.Below] = "below",
    };

    public static IReadOnlyList<QuestionCandidate> Candidates(SyntheticScene scene, string template)
    {
        var objects = scene.Objects;
        var all = Enumerable.Range(0, objects.Count).ToArray();
        var result = new List<QuestionCandidate>();
        void Add(string question, string answer, int[] refs, int? target) =>
            result.Add(new QuestionCandidate(question, answer, Templates[template], template, refs, target));
        int[] Where(Func<SceneObject, bool> match) => [.. all.Where(i => match(objects[i]))];

        switch (template)
        {
            case "query_colour":
                foreach (var shape in Enum.GetValues<ShapeKind>())
                    if (Where(o => o.Shape == shape) is [var only])
                        Add($"what colour is the {SceneWords.Word(shape)}?", SceneWords.Word(objects[only].Colour), [only], only);
                break;
            case "query_shape":
                foreach (var colour in Enum.GetValues<ObjectColour>())
                    if (Where(o => o.Colour == colour) is [var only])
                        Add($"what shape is the {SceneWords.Word(colour)} object?", SceneWords.Word(objects[only].Shape), [only], only);
                break;
            case "exist":
                foreach (var colour in Enum.GetValues<ObjectColour>())
                    foreach (var shape in Enum.GetValues<ShapeKind>())
                    {
                        var found = Where(o => o.Colour == colour && o.Shape == shape);
                        Add($"is there a {SceneWords.Word(colour)} {SceneWords.Word(shape)}?", found.Length > 0 ? "yes" : "no", found,
                            found.Length == 1 ? found[0] : null);
                    }
                break;
            case "count_shape":
                foreach (var shape in Enum.GetValues<ShapeKind>())
                    if (Where(o => o.Shape == shape) is { Length: <= MaxCount } found)
                        Add($"how many {SceneWords.Plural(shape)} are there?", Number(found.Length), found, null);
                break;
            case "count_colour":
                foreach (var colour in Enum.GetValues<ObjectColour>())
                    if (Where(o => o.Colour == colour) is { Length: <= MaxCount } found)
                        Add($"how many {SceneWords.Word(colour)} objects are there?", Number(found.Length), found, null);
                break;
            case "compare":
                foreach (var first in Enum.GetValues<ShapeKind>())
                    foreach (var second in Enum.GetValues<ShapeKind>())
                    {
                        if (first == second) continue;
                        int[] a = Where(o => o.Shape == first), b = Where(o => o.Shape == second);
                        if (a.Length + b.Length == 0) continue;
                        Add($"are there more {SceneWords.Plural(first)} than {SceneWords.Plural(second)}?", a.Length > b.Length ? "yes" : "no",
                            [.. a, .. b], null);
                    }
                break;
            case "relate":
                foreach (var anchor in all)
                {
                    var a = objects[anchor];
                    if (Where(o => o.Colour == a.Colour && o.Shape == a.Shape).Length != 1) continue;
                    var others = all.Where(i => i != anchor).ToArray();
                    var relations = others.Select(i => SpatialRelation.Between(objects[i].Box, a.Box, scene.Width)).ToArray();
                    if (relations.Any(r => r is null)) continue;
                    foreach (var relation in RelationWords.Keys)
                    {
                        var inRelation = others.Where((_, k) => relations[k] == relation).ToArray();
                        if (inRelation is not [var target]) continue;
                        Add($"what colour is the shape {RelationWords[relation]} the {SceneWords.Word(a.Colour)} {SceneWords.Word(a.Shape)}?",
                            SceneWords.Word(objects[target].Colour), [target, anchor], target);
                    }
                }
                break;
            default:
                throw new ArgumentException($"unknown template '{template}'", nameof(template));
        }
        return result;
    }

    private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
