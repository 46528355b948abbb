using Spotlight.Tests.Vision;
using Spotlight.Vqa;

namespace Spotlight.Tests.Vqa;

public class VqaDemoTests
{
    [Fact]
    public void The_demo_writes_a_model_that_loads_scores_for_every_family_and_the_page()
    {
        using var dir = new TempDirectory();
        var result = VqaDemo.Run(new VqaDemoOptions(dir.Path, Minutes: 0.1, TrainScenes: 40, ValidationScenes: 10, TestScenes: 20, ExamplesPerFamily: 1));
        using var model = VqaModel.Load(result.ModelPath);
        Assert.Equal(VqaModelKind.StackedAttention, model.Config.Model);
        Assert.True(result.Test.Questions > 50);
        Assert.All(result.Test.PerFamily.Values, f => Assert.True(f.Questions > 0));
        Assert.NotNull(result.Test.Pointing);
        Assert.True(File.Exists(result.ReportPath));
        Assert.Contains("hop 2", File.ReadAllText(result.ReportPath));
    }
}
