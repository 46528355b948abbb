using System.Text.RegularExpressions;
using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.CaptioningData;

/// <summary>
/// Reads every generated caption with a parser written here from the grammar's description (not from its code) and
/// checks each claim against objects.json: counts, attributes, the background, positions, and spatial relations
/// recomputed from box centres with the documented rule (dominant axis, margin 5% of the side).
/// </summary>
public class CaptionTruthTests
{
    private const string Sizes = "small|little|large|big", Colours = "red|green|blue|yellow|purple|orange";
    private const string Shapes = "circle|square|triangle|star|cross|diamond";
    private static readonly Regex Mention = new($@"\b(a|an|one|two|three) (?:({Sizes}) )?({Colours}) ({Shapes})(?:es|s)?\b");
    private static readonly Regex RelationWords = new(@"\b(to the left of|on the left of|left of|to the right of|on the right of|right of|above|over|below|under|beneath)\b");
    private static readonly Regex PositionWords = new(@"(on the left|on the right|at the top|at the bottom|in the middle|in the centre)$");
    private static readonly Regex BackgroundWords = new(@" on a (plain|gradient|noisy) background$");
    private static readonly Regex ShapeCount = new(@"^(two|three) shapes: ");
    private static readonly HashSet<string> Grammar =
    [
        .. $"{Sizes}|{Colours}|{Shapes}|circles|squares|triangles|stars|crosses|diamonds".Split('|'),
        .. "a an one two three and there is are picture image of this shows shapes on the to left right above over below under beneath at top bottom in middle centre plain gradient noisy background".Split(' '),
    ];

    private record Parsed(int Count, string? Size, string Colour, string Shape);

    [Fact]
    public void Every_caption_is_true_of_its_image_and_the_five_differ()
    {
        using var dir = new TempDirectory();
        SyntheticDataset.Generate(new SynthConfig(Train: 150, Val: 0, Test: 0, Size: 64, Seed: 3), dir.Path);
        var scenes = SyntheticObjects.Load(dir.Path);
        var data = CaptionDataset.Load(dir.Path);
        int relations = 0, counts = 0, positions = 0;
        foreach (var image in data.Images)
        {
            var scene = scenes[image.Id];
            Assert.Equal(5, image.Captions.Distinct().Count());
            foreach (var caption in image.Captions)
            {
                string context = $"image {image.Id} \"{caption}\"";
                Assert.All(Spotlight.Text.CaptionTokenizer.Tokenize(caption), w => Assert.True(Grammar.Contains(w), $"{context}: word {w}"));
                var text = caption;
                var background = BackgroundWords.Match(text);
                if (background.Success)
                {
                    Assert.Equal(background.Groups[1].Value, BackgroundWord(scene.Background));
                    text = text[..background.Index];
                }
                var mentions = Mention.Matches(text).Select(Parse).ToList();
                Assert.NotEmpty(mentions);
                var relation = RelationWords.Match(text);
                if (relation.Success)
                {
                    relations++;
                    Assert.Equal(2, mentions.Count);
                    var a = Single(scene, mentions[0], context);
                    var b = Single(scene, mentions[1], context);
                    Assert.Equal(Expected(a.Box, b.Box), Meaning(relation.Groups[1].Value));
                    continue;
                }
                // A listing or position caption names every object, counted by colour and shape.
                Assert.Equal(scene.Objects.Count, mentions.Sum(m => m.Count));
                foreach (var m in mentions)
                {
                    var matching = scene.Objects.Where(o => Word(o.Colour) == m.Colour && Word(o.Shape) == m.Shape).ToList();
                    Assert.True(matching.Count == m.Count, $"{context}: {m} matches {matching.Count} objects");
                    if (m.Size is not null) Assert.All(matching, o => Assert.Equal(SizeClassOf(m.Size), o.Size));
                    if (m.Count > 1) counts++;
                }
                var shapeCount = ShapeCount.Match(text);
                if (shapeCount.Success) Assert.Equal(scene.Objects.Count, NumberOf(shapeCount.Groups[1].Value));
                var position = PositionWords.Match(text);
                if (position.Success)
                {
                    positions++;
                    Assert.Single(scene.Objects);
                    Assert.True(PositionHolds(position.Groups[1].Value, scene.Objects[0].Box, 64), context);
                }
            }
        }
        // The grammar's families all occur, so the checks above were exercised.
        Assert.True(relations > 50 && counts > 10 && positions > 10, $"relations {relations}, counts {counts}, positions {positions}");
    }

    private static Parsed Parse(Match m) => new(NumberOf(m.Groups[1].Value), m.Groups[2].Success ? m.Groups[2].Value : null, m.Groups[3].Value, m.Groups[4].Value);

    private static SceneObject Single(SyntheticScene scene, Parsed m, string context)
    {
        Assert.Equal(1, m.Count);
        var matching = scene.Objects.Where(o => Word(o.Colour) == m.Colour && Word(o.Shape) == m.Shape
            && (m.Size is null || SizeClassOf(m.Size) == o.Size)).ToList();
        Assert.True(matching.Count == 1, $"{context}: \"{m}\" should pick out one object, matches {matching.Count}");
        return matching[0];
    }

    /// <summary>The documented rule, written independently: larger axis wins if it leads by ≥ 5% of the side.</summary>
    private static string? Expected(PixelBox a, PixelBox b)
    {
        double dx = (a.X + a.W / 2.0) - (b.X + b.W / 2.0), dy = (a.Y + a.H / 2.0) - (b.Y + b.H / 2.0), margin = 0.05 * 64;
        if (Math.Abs(dx) - Math.Abs(dy) >= margin) return dx < 0 ? "left" : "right";
        if (Math.Abs(dy) - Math.Abs(dx) >= margin) return dy < 0 ? "above" : "below";
        return null;
    }

    private static string Meaning(string words) => words switch
    {
        "to the left of" or "on the left of" or "left of" => "left",
        "to the right of" or "on the right of" or "right of" => "right",
        "above" or "over" => "above",
        _ => "below",
    };

    private static bool PositionHolds(string words, PixelBox box, int size)
    {
        double x = (box.X + box.W / 2.0) / size, y = (box.Y + box.H / 2.0) / size;
        return words switch
        {
            "on the left" => x < 0.35,
            "on the right" => x > 0.65,
            "at the top" => y < 0.35,
            "at the bottom" => y > 0.65,
            _ => Math.Abs(x - 0.5) < 0.1 && Math.Abs(y - 0.5) < 0.1,
        };
    }

    private static int NumberOf(string word) => word switch { "two" => 2, "three" => 3, _ => 1 };
    private static SizeClass SizeClassOf(string word) => word is "small" or "little" ? SizeClass.Small : SizeClass.Large;
    private static string Word(Enum value) => value.ToString().ToLowerInvariant();
    private static string BackgroundWord(BackgroundKind kind) => kind switch
    {
        BackgroundKind.Flat => "plain",
        BackgroundKind.Gradient => "gradient",
        _ => "noisy",
    };
}
