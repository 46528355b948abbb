namespace Spotlight.Captioning.Data.Synthetic;

/// <summary>
/// Writes true captions for a scene from a small grammar with three families:
/// <list type="bullet">
/// <item>listing: every object, same-type objects counted ("two red squares"), with optional prefix ("there is",
/// "a picture of" ...), object count ("three shapes:") and background ("on a noisy background");</item>
/// <item>relation (2+ objects): "a small green star to the left of a large blue circle", with synonyms
/// ("left of", "over", "beneath" ...) and both argument orders, only for pairs with a clear relation
/// (<see cref="SpatialRelation"/>) and descriptions that pick out one object each;</item>
/// <item>position (1 object): "a red circle at the top".</item>
/// </list>
/// Captions are drawn family by family in turn, so the five differ in wording and in what they say.
/// </summary>
internal static class CaptionGrammar
{
    private static readonly string[] Numbers = ["zero", "one", "two", "three"];
    private static readonly Dictionary<SizeClass, string[]> SizeWords = new()
    {
        [SizeClass.Small] = ["small", "little"],
        [SizeClass.Large] = ["large", "big"],
    };
    private static readonly Dictionary<Relation, string[]> RelationWords = new()
    {
        [Relation.LeftOf] = ["to the left of", "left of", "on the left of"],
        [Relation.RightOf] = ["to the right of", "right of", "on the right of"],
        [Relation.Above] = ["above", "over"],
        [Relation.Below] = ["below", "under", "beneath"],
    };
    private static readonly Dictionary<Position, string[]> PositionWords = new()
    {
        [Position.Left] = ["on the left"],
        [Position.Right] = ["on the right"],
        [Position.Top] = ["at the top"],
        [Position.Bottom] = ["at the bottom"],
        [Position.Middle] = ["in the middle", "in the centre"],
    };
    private static readonly Dictionary<BackgroundKind, string> BackgroundWords = new()
    {
        [BackgroundKind.Flat] = "plain",
        [BackgroundKind.Gradient] = "gradient",
        [BackgroundKind.Noise] = "noisy",
    };

    public static string[] Captions(SyntheticScene scene, SeededRandom rng, int count)
    {
        var families = new List<Func<string?>> { () => Listing(scene, rng) };
        if (scene.Objects.Count >= 2) families.Add(() => RelationCaption(scene, rng));
        if (scene.Objects.Count == 1 && SpatialRelation.PositionsOf(scene.Objects[0].Box, scene.Width, scene.Height).Count > 0)
            families.Add(() => PositionCaption(scene, rng));
        rng.Shuffle(families);

        var chosen = new List<string>();
        for (int attempt = 0; chosen.Count < count; attempt++)
        {
            if (attempt > 1000) throw new InvalidOperationException($"image {scene.ImageId}: grammar produced too few distinct captions");
            var caption = families[attempt % families.Count]();
            if (caption is not null && !chosen.Contains(caption)) chosen.Add(caption);
        }
        return [.. chosen];
    }

    private static string Listing(SyntheticScene scene, SeededRandom rng)
    {
        var groups = scene.Objects.GroupBy(o => (o.Shape, o.Colour)).Select(g => g.ToArray()).ToList();
        rng.Shuffle(groups);
        var phrases = groups.Select(g => g.Length == 1 ? Describe(g[0], rng.NextDouble() < 0.75, rng) : Count(g, rng)).ToArray();
        string list = phrases.Length switch
        {
            1 => phrases[0],
            2 => $"{phrases[0]} and {phrases[1]}",
            _ => $"{string.Join(", ", phrases[..^1])} and {phrases[^1]}",
        };
        var prefixes = new List<string> { "", "a picture of ", "an image of ", "this image shows " };
        if (groups.Count == 1) prefixes.Add(groups[0].Length == 1 ? "there is " : "there are ");
        if (groups.Count >= 2) prefixes.Add($"{Numbers[scene.Objects.Count]} shapes: ");
        string suffix = rng.NextDouble() < 0.35 ? $" on a {BackgroundWords[scene.Background]} background" : "";
        return rng.Pick(prefixes) + list + suffix;
    }

    private static string? RelationCaption(SyntheticScene scene, SeededRandom rng)
    {
        var objects = scene.Objects;
        var pairs = new List<(SceneObject A, SceneObject B, Relation R)>();
        foreach (var a in objects)
            foreach (var b in objects)
                if (!ReferenceEquals(a, b) && Referable(a, objects) && Referable(b, objects)
                    && SpatialRelation.Between(a.Box, b.Box, scene.Width) is { } r)
                    pairs.Add((a, b, r));
        if (pairs.Count == 0) return null;
        var (first, second, relation) = rng.Pick(pairs);
        string left = Refer(first, objects, rng), right = Refer(second, objects, rng), words = rng.Pick(RelationWords[relation]);
        return rng.Next(3) switch
        {
            0 => $"{left} {words} {right}",
            1 => $"{left} is {words} {right}",
            _ => $"there is {left} {words} {right}",
        };
    }

    private static string PositionCaption(SyntheticScene scene, SeededRandom rng)
    {
        var o = scene.Objects[0];
        var where = rng.Pick(PositionWords[rng.Pick(SpatialRelation.PositionsOf(o.Box, scene.Width, scene.Height))]);
        string thing = Describe(o, rng.NextDouble() < 0.75, rng);
        return rng.NextBool() ? $"{thing} {where}" : $"there is {thing} {where}";
    }

    /// <summary>A description names one object when no other object has the same size, colour and shape.</summary>
    private static bool Referable(SceneObject o, IReadOnlyList<SceneObject> all) =>
        all.Count(x => x.Shape == o.Shape && x.Colour == o.Colour && x.Size == o.Size) == 1;

    private static string Refer(SceneObject o, IReadOnlyList<SceneObject> all, SeededRandom rng)
    {
        bool typeUnique = all.Count(x => x.Shape == o.Shape && x.Colour == o.Colour) == 1;
        return Describe(o, !typeUnique || rng.NextBool(), rng);
    }

    private static string Describe(SceneObject o, bool withSize, SeededRandom rng)
    {
        string words = $"{SceneWords.Word(o.Colour)} {SceneWords.Word(o.Shape)}";
        if (withSize) words = $"{rng.Pick(SizeWords[o.Size])} {words}";
        return $"{Article(words)} {words}";
    }

    private static string Count(SceneObject[] group, SeededRandom rng)
    {
        string words = $"{SceneWords.Word(group[0].Colour)} {SceneWords.Plural(group[0].Shape)}";
        if (group.All(o => o.Size == group[0].Size) && rng.NextBool()) words = $"{rng.Pick(SizeWords[group[0].Size])} {words}";
        return $"{Numbers[group.Length]} {words}";
    }

    private static string Article(string next) => "aeiou".Contains(next[0]) ? "an" : "a";
}
