using Spotlight.Metrics;

namespace Spotlight.Tests.Metrics;

public class CaptionFilesTests
{
    [Fact]
    public void Coco_references_group_captions_by_image_in_images_order_with_int_or_string_ids()
    {
        using var t = new TempFiles();
        var path = t.Write("refs.json", """
            {"images": [{"id": 2}, {"id": "x"}],
             "annotations": [{"image_id": "x", "caption": "A b."}, {"image_id": 2, "caption": "c"}, {"image_id": "2", "caption": "d"}]}
            """);
        var refs = CaptionFiles.LoadReferences(path);
        Assert.Equal(["2", "x"], refs.ImageIds);
        Assert.Equal(["c", "d"], refs.Captions["2"]);
        Assert.Equal(["A b."], refs.Captions["x"]);
    }

    [Fact]
    public void Karpathy_references_use_cocoid_raw_text_and_the_chosen_split()
    {
        using var t = new TempFiles();
        var path = t.Write("k.json", """
            {"images": [
              {"filename": "a.jpg", "imgid": 0, "cocoid": 10, "split": "test", "sentences": [{"raw": "A dog.", "tokens": ["a", "dog"]}]},
              {"filename": "b.jpg", "imgid": 1, "cocoid": 11, "split": "train", "sentences": [{"tokens": ["a", "cat"]}]}]}
            """);
        var test = CaptionFiles.LoadReferences(path, "test");
        Assert.Equal(["10"], test.ImageIds);
        Assert.Equal(["A dog."], test.Captions["10"]);
        var all = CaptionFiles.LoadReferences(path);
        Assert.Equal(["a cat"], all.Captions["11"]);
    }

    [Theory]
    [InlineData("{\"images\": [", "malformed JSON")]
    [InlineData("[1, 2]", "neither a COCO captions file")]
    [InlineData("{\"images\": [{\"id\": 1}, {\"id\": 1}], \"annotations\": []}", "repeats image id 1")]
    [InlineData("{\"images\": [{\"id\": 1}], \"annotations\": [{\"image_id\": 2, \"caption\": \"a\"}]}", "image_id 2, which is not in \"images\"")]
    [InlineData("{\"annotations\": [{\"image_id\": 1, \"caption\": 5}]}", "annotations[0] has \"caption\" Number 5; expected a string")]
    [InlineData("{\"annotations\": [{\"image_id\": 1.5, \"caption\": \"a\"}]}", "expected an integer or a non-empty string")]
    [InlineData("{\"annotations\": [{\"caption\": \"a\"}]}", "annotations[0] has no \"image_id\"")]
    public void Malformed_reference_files_fail_with_one_line_naming_the_file(string json, string problem)
    {
        using var t = new TempFiles();
        var path = t.Write("refs.json", json);
        var e = Assert.Throws<SpotlightException>(() => CaptionFiles.LoadReferences(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("{\"image_id\": 1}", "expected a COCO results array")]
    [InlineData("[{\"image_id\": 1, \"caption\": \"a\"}, {\"image_id\": \"1\", \"caption\": \"b\"}]", "image_id 1 has more than one caption (entries [0] and [1])")]
    [InlineData("[{\"image_id\": 1}]", "[0] has no \"caption\"")]
    [InlineData("[{\"image_id\": 1, \"caption\": null}]", "expected a string")]
    [InlineData("[3]", "[0] is Number 3; expected an object")]
    [InlineData("[{\"image_id\": 1, \"caption\": \"a\"},]", "malformed JSON")]
    public void Malformed_result_files_fail_with_one_line_naming_the_file(string json, string problem)
    {
        using var t = new TempFiles();
        var path = t.Write("res.json", json);
        var e = Assert.Throws<SpotlightException>(() => CaptionFiles.LoadResults(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_file_is_reported_by_name()
    {
        var e = Assert.Throws<SpotlightException>(() => CaptionFiles.LoadResults("/nonexistent/res.json"));
        Assert.Equal("/nonexistent/res.json: file not found", e.Message);
    }

    [Fact]
    public void A_split_that_no_image_has_is_an_error()
    {
        using var t = new TempFiles();
        var path = t.Write("k.json", """{"images": [{"imgid": 0, "split": "train", "sentences": [{"raw": "a"}]}]}""");
        var e = Assert.Throws<SpotlightException>(() => CaptionFiles.LoadReferences(path, "test"));
        Assert.Contains("no image has split \"test\"", e.Message);
    }
}
