namespace Spotlight.Captioning;

/// <summary>An object drawn in a synthetic scene: its box in image pixels and its shape name.</summary>
public sealed record GroundTruthObject(string Shape, double X, double Y, double Width, double Height);

/// <summary>Grounding accuracy and the accuracy a uniformly random peak would get.</summary>
public sealed record GroundingScore(double Accuracy, double Chance, int Words)
{
    public static readonly GroundingScore Empty = new(double.NaN, double.NaN, 0);
}

/// <summary>
/// Does the attention look at the thing being named? Over generated words that name a shape, the fraction whose
/// attention peak (the argmax region) overlaps an object of that shape. Chance is the mean fraction of regions that
/// overlap such objects: what an attention peak placed uniformly at random would score.
/// </summary>
public static class AttentionGrounding
{
    public static GroundingScore Score(
        IEnumerable<(IReadOnlyList<string> Words, AttentionMaps Maps, IReadOnlyList<GroundTruthObject> Objects, int ImageWidth, int ImageHeight)> captions,
        Func<string, string?> shapeOfWord)
    {
        int words = 0, hits = 0;
        double chanceSum = 0;
        foreach (var (captionWords, maps, objects, width, height) in captions)
        {
            for (int t = 0; t < captionWords.Count && t < maps.Weights.Length; t++)
            {
                var shape = shapeOfWord(captionWords[t]);
                if (shape is null) continue;
                var targets = objects.Where(o => o.Shape == shape).ToList();
                words++;
                if (targets.Count == 0) continue;   // the model named a shape that is not in the image: a miss
                var covered = CoveredRegions(targets, maps.GridHeight, maps.GridWidth, width, height);
                int peak = ArgMax(maps.Weights[t]);
                if (covered[peak]) hits++;
                chanceSum += covered.Count(c => c) / (double)covered.Length;
            }
        }
        return words == 0 ? GroundingScore.Empty : new GroundingScore(hits / (double)words, chanceSum / words, words);
    }

    /// <summary>Which grid cells overlap (with positive area) any of the boxes; cells are row-major.</summary>
    public static bool[] CoveredRegions(IReadOnlyList<GroundTruthObject> boxes, int gridH, int gridW, int width, int height)
    {
        var covered = new bool[gridH * gridW];
        double cellW = width / (double)gridW, cellH = height / (double)gridH;
        for (int r = 0; r < gridH; r++)
        for (int c = 0; c < gridW; c++)
        {
            double x0 = c * cellW, x1 = x0 + cellW, y0 = r * cellH, y1 = y0 + cellH;
            covered[r * gridW + c] = boxes.Any(b => b.X < x1 && b.X + b.Width > x0 && b.Y < y1 && b.Y + b.Height > y0);
        }
        return covered;
    }

    private static int ArgMax(float[] weights)
    {
        int best = 0;
        for (int i = 1; i < weights.Length; i++) if (weights[i] > weights[best]) best = i;
        return best;
    }
}
