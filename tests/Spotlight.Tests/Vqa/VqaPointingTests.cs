using Spotlight.Vqa;
using Spotlight.Vqa.Data;

namespace Spotlight.Tests.Vqa;

public class VqaPointingTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    [Fact]
    public void Pointing_counts_a_hop_whose_peak_cell_centre_lies_in_the_target_box_per_hop_and_per_family()
    {
        const int grid = 8;
        var questions = set.Data.Split("test");
        var expected = new List<(VqaFamily Family, bool Hop1, bool Hop2, double Area)>();
        var answers = questions.Select(q =>
        {
            var scene = set.Data.Scenes[q.ImageId];
            double cell = scene.Width / (double)grid;
            (double X, double Y) Centre(int k) => ((k % grid + 0.5) * cell, (k / grid + 0.5) * cell);
            var maps = new List<float[]>();
            if (q.Target is int t)
            {
                var box = scene.Objects[t].Box;
                bool Inside(int k) => Centre(k).X >= box.X && Centre(k).X < box.X + box.W && Centre(k).Y >= box.Y && Centre(k).Y < box.Y + box.H;
                double Distance(int k) => Math.Abs(Centre(k).X - (box.X + box.W / 2.0)) + Math.Abs(Centre(k).Y - (box.Y + box.H / 2.0));
                var cells = Enumerable.Range(0, grid * grid).ToList();
                int near = cells.MinBy(Distance), far = cells.MaxBy(Distance);
                maps.Add(OneHot(near, 0.6f));
                maps.Add(OneHot(far, 0.3f));
                expected.Add((q.Family, Inside(near), Inside(far), box.W * box.H / (double)(scene.Width * scene.Height)));
            }
            else maps.AddRange([OneHot(0, 0.5f), OneHot(1, 0.5f)]);
            return new VqaAnswer(q.Answer, 1, [], maps, grid);
        }).ToList();

        var scores = VqaEvaluation.Score(set.Data, questions, answers);
        Assert.Equal(expected.Count, scores.PointingQuestions);
        Assert.True(expected.Count(e => e.Hop1) > expected.Count / 2 && expected.Count(e => !e.Hop2) > expected.Count / 2);
        Assert.Equal(expected.Count(e => e.Hop1) / (double)expected.Count, scores.PointingPerHop[0], 9);
        Assert.Equal(expected.Count(e => e.Hop2) / (double)expected.Count, scores.PointingPerHop[1], 9);
        Assert.Equal(scores.PointingPerHop[1], scores.Pointing!.Value, 9);
        Assert.Equal(expected.Average(e => e.Area), scores.PointingChance, 9);
        foreach (var group in expected.GroupBy(e => e.Family))
        {
            var (count, perHop) = scores.PointingPerFamily[group.Key];
            Assert.Equal(group.Count(), count);
            Assert.Equal(group.Count(e => e.Hop1) / (double)count, perHop[0], 9);
        }
        Assert.Equal(expected.Select(e => e.Family).Distinct().Count(), scores.PointingPerFamily.Count);
        Assert.Equal(1.0, scores.Accuracy);

        // The peak is a cell with the highest weight, however peaked: a map of 0.6 on one cell and the rest spread out.
        static float[] OneHot(int k, float peak)
        {
            var map = Enumerable.Repeat((1 - peak) / (grid * grid - 1), grid * grid).ToArray();
            map[k] = peak;
            return map;
        }
    }
}
