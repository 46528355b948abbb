using System.Text.RegularExpressions;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;
using Spotlight.Vqa.Data;

namespace Spotlight.Tests.Vqa;

public partial class VqaSyntheticTests(VqaSetFixture set) : IClassFixture<VqaSetFixture>
{
    /// <summary>
    /// An independent reading of each question: parse its words back and answer from the objects (the generator's own
    /// code is not used), returning the answer and the objects the question should reference.
    /// </summary>
    private static (string Answer, int[] Refs, int? Target) Oracle(string question, IReadOnlyList<SceneObject> objects, int imageSize)
    {
        string S(SceneObject o) => o.Shape.ToString().ToLowerInvariant();
        string C(SceneObject o) => o.Colour.ToString().ToLowerInvariant();
        string Singular(string plural) => plural == "crosses" ? "cross" : plural.TrimEnd('s');
        int[] Where(Func<SceneObject, bool> f) => [.. Enumerable.Range(0, objects.Count).Where(i => f(objects[i]))];
        Match m;
        if ((m = Regex.Match(question, "^what colour is the (\\w+)\\?$")).Success)
        {
            var only = Assert.Single(Where(o => S(o) == m.Groups[1].Value));
            return (C(objects[only]), [only], only);
        }
        if ((m = Regex.Match(question, "^what shape is the (\\w+) object\\?$")).Success)
        {
            var only = Assert.Single(Where(o => C(o) == m.Groups[1].Value));
            return (S(objects[only]), [only], only);
        }
        if ((m = Regex.Match(question, "^is there a (\\w+) (\\w+)\\?$")).Success)
        {
            var found = Where(o => C(o) == m.Groups[1].Value && S(o) == m.Groups[2].Value);
            return (found.Length > 0 ? "yes" : "no", found, found.Length == 1 ? found[0] : null);
        }
        if ((m = Regex.Match(question, "^how many (\\w+) objects are there\\?$")).Success)
        {
            var found = Where(o => C(o) == m.Groups[1].Value);
            return (found.Length.ToString(), found, null);
        }
        if ((m = Regex.Match(question, "^how many (\\w+) are there\\?$")).Success)
        {
            var found = Where(o => S(o) == Singular(m.Groups[1].Value));
            return (found.Length.ToString(), found, null);
        }
        if ((m = Regex.Match(question, "^are there more (\\w+) than (\\w+)\\?$")).Success)
        {
            int[] a = Where(o => S(o) == Singular(m.Groups[1].Value)), b = Where(o => S(o) == Singular(m.Groups[2].Value));
            return (a.Length > b.Length ? "yes" : "no", [.. a, .. b], null);
        }
        if ((m = Regex.Match(question, "^what colour is the shape (left of|right of|above|below) the (\\w+) (\\w+)\\?$")).Success)
        {
            var anchor = Assert.Single(Where(o => C(o) == m.Groups[2].Value && S(o) == m.Groups[3].Value));
            var a = objects[anchor];
            // Centre offsets by hand: "left of" means the other centre is left by a clear margin on the dominant axis.
            bool In(SceneObject o, string relation)
            {
                double dx = o.Box.CenterX - a.Box.CenterX, dy = o.Box.CenterY - a.Box.CenterY, margin = 0.05 * imageSize;
                double major = Math.Max(Math.Abs(dx), Math.Abs(dy)), minor = Math.Min(Math.Abs(dx), Math.Abs(dy));
                if (major < margin || major - minor < margin) return false;
                bool horizontal = Math.Abs(dx) > Math.Abs(dy);
                return relation switch
                {
                    "left of" => horizontal && dx < 0, "right of" => horizontal && dx > 0,
                    "above" => !horizontal && dy < 0, _ => !horizontal && dy > 0,
                };
            }
            var target = Assert.Single(Where(o => !ReferenceEquals(o, a) && In(o, m.Groups[1].Value)));
            return (C(objects[target]), [target, anchor], target);
        }
        throw new Xunit.Sdk.XunitException($"the oracle does not understand \"{question}\"");
    }

    [Fact]
    public void Every_answer_equals_one_recomputed_from_the_objects()
    {
        Assert.True(set.Data.Questions.Count > 1000);
        foreach (var q in set.Data.Questions)
        {
            var (answer, _, _) = Oracle(q.Question, set.Data.Scenes[q.ImageId].Objects, VqaSetFixture.Config.Size);
            Assert.True(answer == q.Answer, $"question {q.Id} \"{q.Question}\": says {q.Answer}, objects say {answer}");
        }
    }

    [Fact]
    public void References_and_targets_name_exactly_the_objects_the_question_is_about()
    {
        foreach (var q in set.Data.Questions)
        {
            var (_, refs, target) = Oracle(q.Question, set.Data.Scenes[q.ImageId].Objects, VqaSetFixture.Config.Size);
            Assert.Equal(refs.Order(), q.Refs.Order());
            Assert.Equal(target, q.Target);
        }
    }

    [Fact]
    public void Every_family_is_asked_and_relations_include_all_four_directions()
    {
        foreach (var family in VqaFamilies.Synthetic) Assert.Contains(set.Data.Questions, q => q.Family == family);
        foreach (var word in new[] { "left of", "right of", "above", "below" })
            Assert.Contains(set.Data.Questions, q => q.Family == VqaFamily.Relate && q.Question.Contains(word));
    }

    [Fact]
    public void Answers_are_balanced_per_split_and_template_within_the_stated_bound()
    {
        foreach (var group in set.Data.Questions.GroupBy(q => (q.Split, q.Template)))
        {
            var counts = QuestionGrammar.AnswersOf(group.Key.Template).Select(a => group.Count(q => q.Answer == a)).ToArray();
            int min = counts.Min(), max = counts.Max();
            Assert.True(max - min <= AnswerBalancer.Slack(min) + 1, $"{group.Key}: answer counts {string.Join(",", counts)}");
        }
        // In the training split every answer of every template occurs.
        foreach (var template in QuestionGrammar.Templates.Keys)
            foreach (var answer in QuestionGrammar.AnswersOf(template))
                Assert.Contains(set.Data.Questions, q => q.Split == "train" && q.Template == template && q.Answer == answer);
    }

    [Fact]
    public void Balancing_refuses_an_answer_that_would_run_ahead_of_the_rarest()
    {
        var balancer = new AnswerBalancer();
        var rng = new Spotlight.Captioning.Data.SeededRandom(3);
        var yes = new QuestionCandidate("is there a red circle?", "yes", VqaFamily.Exist, "exist", [0], 0);
        int taken = 0;
        for (int i = 0; i < 10; i++) if (balancer.Choose("train", "exist", [yes], rng) is not null) taken++;
        Assert.Equal(AnswerBalancer.Slack(0) + 1, taken);   // "no" is still at 0
    }

    [Fact]
    public void The_same_seed_writes_byte_identical_files_and_another_seed_does_not()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        var small = VqaSetFixture.Config with { Train = 30, Val = 5, Test = 5 };
        VqaSynthetic.Generate(small, a.Path);
        VqaSynthetic.Generate(small, b.Path);
        VqaSynthetic.Generate(small with { Seed = 6 }, c.Path);
        foreach (var file in Directory.GetFiles(a.Path, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(a.Path, file);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b.Path, relative))), $"{relative} differs");
        }
        Assert.NotEqual(File.ReadAllBytes(a.File("questions.json")), File.ReadAllBytes(c.File("questions.json")));
    }

    [Fact]
    public void Scenes_hold_two_to_five_objects_without_overlap()
    {
        var counts = set.Data.Scenes.Values.Select(s => s.Objects.Count).ToHashSet();
        Assert.Equal([2, 3, 4, 5], counts.Order());
        foreach (var scene in set.Data.Scenes.Values)
            for (int i = 0; i < scene.Objects.Count; i++)
                for (int j = i + 1; j < scene.Objects.Count; j++)
                    Assert.False(scene.Objects[i].Box.Overlaps(scene.Objects[j].Box, 0));
    }
}
