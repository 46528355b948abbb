using Spotlight.Training;

namespace Spotlight.Tests.Training;

public class CheckpointEntriesTests
{
    [Fact]
    public void A_config_that_differs_is_one_line_naming_the_fields_that_differ()
    {
        var saved = new Dictionary<string, string> { ["answers"] = "[\"a\",\"b\"]", ["config"] = """{"hops":2,"relative_positions":true}""" };
        var expected = new Dictionary<string, string> { ["answers"] = "[\"a\",\"b\"]", ["config"] = """{"hops":1,"relative_positions":true,"answer_from_last_hop":true}""" };
        var error = Assert.Throws<SpotlightException>(() => CheckpointEntries.RequireSame("run.checkpoint", expected, saved));
        Assert.Equal("run.checkpoint: checkpoint does not fit this run (its config differs: hops: checkpoint 2, this run 1; "
            + "answer_from_last_hop: checkpoint not set, this run true)", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Entries_that_are_not_objects_or_are_missing_are_named_without_fields()
    {
        var expected = new Dictionary<string, string> { ["answers"] = "[\"a\",\"b\"]" };
        Assert.Equal("c: checkpoint does not fit this run (its answers differs)", Assert.Throws<SpotlightException>(() =>
            CheckpointEntries.RequireSame("c", expected, new Dictionary<string, string> { ["answers"] = "[\"a\"]" })).Message);
        Assert.Equal("c: checkpoint does not fit this run (its answers differs)", Assert.Throws<SpotlightException>(() =>
            CheckpointEntries.RequireSame("c", expected, new Dictionary<string, string>())).Message);
        CheckpointEntries.RequireSame("c", expected, new Dictionary<string, string>(expected));   // the same: no error
    }
}
