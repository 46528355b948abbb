using Spotlight.Captioning.Data;
using Spotlight.Captioning.Data.Synthetic;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.CaptioningData;

public class CaptionDatasetTests
{
    private static readonly byte[] TinyPng = TestImages.Png(1, 1, 8, 0, TestImages.Scanlines([128]));

    /// <summary>A hand-written COCO set: images 1 and 2 (both files present), captions and splits as given.</summary>
    private static TempDirectory Set(string captions, string? splits = "{\"1\":\"train\",\"2\":\"val\"}")
    {
        var dir = new TempDirectory();
        dir.Write("images/1.png", TinyPng);
        dir.Write("images/2.png", TinyPng);
        dir.Write("captions.json", System.Text.Encoding.UTF8.GetBytes(captions));
        if (splits is not null) dir.Write("splits.json", System.Text.Encoding.UTF8.GetBytes(splits));
        return dir;
    }

    private const string Images = "\"images\":[{\"id\":1,\"file_name\":\"1.png\"},{\"id\":2,\"file_name\":\"2.png\"}]";

    private static string Fails(TempDirectory dir)
    {
        var e = Assert.Throws<SpotlightException>(() => CaptionDataset.Load(dir.Path));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void A_valid_coco_file_loads_in_file_order_with_trimmed_captions()
    {
        using var dir = Set("{" + Images + ",\"annotations\":[{\"id\":7,\"image_id\":2,\"caption\":\" A dog. \"},{\"id\":8,\"image_id\":1,\"caption\":\"A cat\"},{\"id\":9,\"image_id\":2,\"caption\":\"Dog\"}]}");
        var data = CaptionDataset.Load(dir.Path);
        Assert.Equal(["1", "2"], data.Images.Select(i => i.Id));
        Assert.Equal(["A dog.", "Dog"], data.Images[1].Captions);
        Assert.Equal("val", data.Images[1].Split);
        Assert.Equal(Path.Combine(dir.Path, "images", "2.png"), data.Images[1].ImagePath);
        Assert.Equal(["2"], data.Split("val").Images.Select(i => i.Id));
        Assert.Contains("no images in split \"test\"", Assert.Throws<SpotlightException>(() => data.Split("test")).Message);
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        using var dir = Set("{\n\"images\": [\n  {\"id\": 1,,}\n]}");
        var message = Fails(dir);
        Assert.Contains("captions.json: malformed JSON at line 3", message);
    }

    [Fact]
    public void A_duplicate_image_id_is_fatal()
    {
        using var dir = Set("{\"images\":[{\"id\":1,\"file_name\":\"1.png\"},{\"id\":1,\"file_name\":\"2.png\"}],\"annotations\":[]}");
        Assert.Contains("image id 1 appears twice", Fails(dir));
    }

    [Fact]
    public void An_empty_caption_names_the_annotation_and_image()
    {
        using var dir = Set("{" + Images + ",\"annotations\":[{\"id\":5,\"image_id\":2,\"caption\":\"   \"}]}");
        Assert.Contains("annotation 5 (image 2): empty caption", Fails(dir));
    }

    [Fact]
    public void A_caption_for_an_unknown_image_is_fatal()
    {
        using var dir = Set("{" + Images + ",\"annotations\":[{\"id\":5,\"image_id\":3,\"caption\":\"x\"}]}");
        Assert.Contains("annotation 5 refers to image 3", Fails(dir));
    }

    [Fact]
    public void A_missing_image_file_names_the_image()
    {
        using var dir = Set("{" + Images + ",\"annotations\":[]}");
        File.Delete(dir.File("images/2.png"));
        Assert.Contains("1 image file(s) missing", Fails(dir));
        Assert.Contains("first: image 2 (2.png)", Fails(dir));
    }

    [Fact]
    public void An_image_without_a_split_is_fatal_and_an_unknown_split_id_a_warning()
    {
        using var missing = Set("{" + Images + ",\"annotations\":[]}", "{\"1\":\"train\"}");
        Assert.Contains("splits.json: no split for image 2", Fails(missing));
        using var extra = Set("{" + Images + ",\"annotations\":[{\"id\":1,\"image_id\":1,\"caption\":\"x\"}]}", "{\"1\":\"train\",\"2\":\"val\",\"99\":\"test\"}");
        var data = CaptionDataset.Load(extra.Path);
        Assert.Contains(data.Warnings, w => w.Contains("first: 99"));
        Assert.Contains(data.Warnings, w => w.Contains("image 2 has no captions"));
    }

    [Fact]
    public void A_wrongly_typed_field_names_its_place()
    {
        using var dir = Set("{\"images\":[{\"id\":1,\"file_name\":\"1.png\"},{\"id\":2,\"file_name\":42}],\"annotations\":[]}");
        Assert.Contains("image 2.file_name: expected a string, got a number", Fails(dir));
    }

    [Fact]
    public void Without_splits_json_the_split_comes_from_the_file_name()
    {
        using var dir = Set("{" + Images + ",\"annotations\":[]}", splits: null);
        File.Move(dir.File("captions.json"), dir.File("captions_val2014.json"));
        var data = CaptionDataset.Load(dir.File("captions_val2014.json"), imageRoot: dir.File("images"));
        Assert.All(data.Images, i => Assert.Equal("val", i.Split));
        File.Move(dir.File("captions_val2014.json"), dir.File("mine.json"));
        Assert.Contains("names no split", Assert.Throws<SpotlightException>(() => CaptionDataset.Load(dir.File("mine.json"))).Message);
    }

    [Fact]
    public void A_bad_value_in_objects_json_is_reported_with_its_image()
    {
        using var dir = new TempDirectory();
        dir.Write("objects.json", System.Text.Encoding.UTF8.GetBytes(
            "{\"format\":\"spotlight-synthetic-objects\",\"version\":1,\"images\":[{\"image_id\":4,\"file_name\":\"4.png\",\"width\":64,\"height\":64,\"background\":\"flat\",\"objects\":[{\"shape\":\"hexagon\",\"colour\":\"red\",\"size\":\"small\",\"box\":[1,2,3,4]}]}]}"));
        var e = Assert.Throws<SpotlightException>(() => SyntheticObjects.Load(dir.Path));
        Assert.Contains("image 4 objects[0].shape: unknown value \"hexagon\"", e.Message);
    }
}
