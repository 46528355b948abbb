using Spotlight.Captioning.Data;
using Spotlight.Tests.Vision;

namespace Spotlight.Tests.CaptioningData;

/// <summary>Flickr8k/30k token files and Karpathy split JSON, on tiny copies made here (and the real Flickr8k when present).</summary>
public sealed class RealDatasetFormatTests
{
    private static byte[] Png
    {
        get
        {
            using var bitmap = TestImages.Solid(8, 8, (x, y) => new SkiaSharp.SKColor((byte)(x * 30), (byte)(y * 30), 90));
            return TestImages.Encode(bitmap, SkiaSharp.SKEncodedImageFormat.Png);
        }
    }

    private static TempDirectory FlickrLayout(string tokens, string train = "a.jpg\n", string dev = "b.jpg\n", string test = "c.jpg\n",
        string tokenName = "Flickr8k.token.txt", string imageFolder = "Flicker8k_Dataset")
    {
        var dir = new TempDirectory();
        dir.Write(tokenName, System.Text.Encoding.UTF8.GetBytes(tokens));
        dir.Write("Flickr_8k.trainImages.txt", System.Text.Encoding.UTF8.GetBytes(train));
        dir.Write("Flickr_8k.devImages.txt", System.Text.Encoding.UTF8.GetBytes(dev));
        dir.Write("Flickr_8k.testImages.txt", System.Text.Encoding.UTF8.GetBytes(test));
        foreach (var name in new[] { "a.jpg", "b.jpg", "c.jpg" }) dir.Write($"{imageFolder}/{name}", Png);
        return dir;
    }

    private static TempDirectory CocoLayout(bool duplicate = false, bool withValFolder = true)
    {
        var dir = new TempDirectory();
        string Captions(int first, string[] names) => "{\"images\":[" + string.Join(",", names.Select((n, i) => $"{{\"id\":{first + i},\"file_name\":\"{n}\"}}"))
            + "],\"annotations\":[" + string.Join(",", names.Select((_, i) => $"{{\"id\":{100 + first + i},\"image_id\":{first + i},\"caption\":\"A photo {first + i}.\"}}")) + "]}";
        dir.Write("annotations/captions_train2017.json", System.Text.Encoding.UTF8.GetBytes(Captions(1, ["a.jpg", "b.jpg"])));
        dir.Write("annotations/captions_val2017.json", System.Text.Encoding.UTF8.GetBytes(Captions(duplicate ? 2 : 3, ["c.jpg"])));
        dir.Write("annotations/instances_val2017.json", System.Text.Encoding.UTF8.GetBytes("{}"));   // not a captions file: ignored
        foreach (var name in new[] { "a.jpg", "b.jpg" }) dir.Write($"train2017/{name}", Png);
        if (withValFolder) dir.Write("val2017/c.jpg", Png);
        return dir;
    }

    [Fact]
    public void Cocos_own_folder_layout_reads_each_captions_file_with_its_split_and_image_folder()
    {
        using var dir = CocoLayout();
        var dataset = CaptionDataset.Load(dir.Path);
        Assert.Equal(["train", "train", "val"], dataset.Images.Select(i => i.Split));
        Assert.Equal(System.IO.Path.Combine(dir.Path, "val2017", "c.jpg"), dataset.Split("val").Images.Single().ImagePath);
        Assert.Equal(["A photo 3."], dataset.Split("val").Images.Single().Captions);
        Assert.Equal(System.IO.Path.Combine(dir.Path, "train2017", "b.jpg"), dataset.Images[1].ImagePath);

        using var missing = CocoLayout(withValFolder: false);
        var e = Assert.Throws<SpotlightException>(() => CaptionDataset.Load(missing.Path));
        Assert.Contains("val2017", e.Message);
        Assert.Contains("captions_val2017.json", e.Message);

        using var twice = CocoLayout(duplicate: true);
        e = Assert.Throws<SpotlightException>(() => CaptionDataset.Load(twice.Path));
        Assert.Contains("image id 2 is also in an earlier captions file", e.Message);
    }

    [Fact]
    public void The_original_flickr8k_layout_loads_with_dev_as_val_and_captions_in_number_order()
    {
        using var dir = FlickrLayout("a.jpg#1\tA dog runs .\na.jpg#0\tA brown dog .\nb.jpg#0\tTwo kids .\nc.jpg#0\tA café in Zürich .\n");
        var data = CaptionDataset.Load(dir.Path);
        Assert.Equal(["test", "train", "val"], data.SplitNames);
        var a = data.Images.Single(i => i.Id == "a.jpg");
        Assert.Equal(["A brown dog .", "A dog runs ."], a.Captions);
        Assert.Equal("train", a.Split);
        Assert.Equal(Path.Combine(dir.Path, "Flicker8k_Dataset", "a.jpg"), a.ImagePath);
        Assert.Equal("val", data.Images.Single(i => i.Id == "b.jpg").Split);
        Assert.Equal("A café in Zürich .", data.Images.Single(i => i.Id == "c.jpg").Captions[0]);
        Assert.Empty(data.Warnings);
    }

    [Fact]
    public void A_caption_line_for_a_missing_image_and_an_empty_caption_are_skipped_with_warnings()
    {
        using var dir = FlickrLayout("a.jpg#0\tA dog .\nghost.jpg.1#0\tNothing here .\nb.jpg#0\t  \nb.jpg#1\tKids .\nc.jpg#0\tA cat .\nd.jpg#0\tNo split .\n",
            train: "a.jpg\nunknown.jpg\n");
        dir.Write("Flicker8k_Dataset/d.jpg", Png);
        var data = CaptionDataset.Load(dir.Path, format: "flickr");
        Assert.Equal(3, data.Count);
        Assert.Equal(["Kids ."], data.Images.Single(i => i.Id == "b.jpg").Captions);
        Assert.Contains(data.Warnings, w => w.Contains("Flickr8k.token.txt:2") && w.Contains("ghost.jpg.1 not found"));
        Assert.Contains(data.Warnings, w => w.Contains("Flickr8k.token.txt:3") && w.Contains("empty caption for b.jpg"));
        Assert.Contains(data.Warnings, w => w.Contains("Flickr_8k.trainImages.txt:2") && w.Contains("unknown.jpg"));
        Assert.Contains(data.Warnings, w => w.Contains("1 image(s) with captions are in no split"));
    }

    [Theory]
    [InlineData("a.jpg#0\tA dog .\na.jpg#1 A dog without a tab\n", 2, "no tab")]
    [InlineData("a.jpg#0\tA dog .\na.jpg\tNo number .\n", 2, "caption number")]
    [InlineData("a.jpg#0\tA dog .\na.jpg#0\tAgain .\n", 2, "appears twice")]
    public void A_malformed_token_line_is_fatal_with_file_and_line(string tokens, int line, string problem)
    {
        using var dir = FlickrLayout(tokens, tokenName: "captions.txt", imageFolder: "images");
        var e = Assert.Throws<SpotlightException>(() => CaptionDataset.Load(dir.Path));
        Assert.Contains($"captions.txt:{line}", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void An_image_in_two_splits_is_fatal_and_no_split_files_is_explained()
    {
        using (var dir = FlickrLayout("a.jpg#0\tA dog .\n", train: "a.jpg\n", dev: "a.jpg\n"))
            Assert.Contains("already in the train split", Assert.Throws<SpotlightException>(() => CaptionDataset.Load(dir.Path)).Message);
        using (var dir = FlickrLayout("a.jpg#0\tA dog .\n"))
        {
            foreach (var f in Directory.GetFiles(dir.Path, "Flickr_8k.*")) File.Delete(f);
            Assert.Contains("no split files", Assert.Throws<SpotlightException>(() => CaptionDataset.Load(dir.Path)).Message);
        }
    }

    [Fact]
    public void A_karpathy_file_loads_with_restval_in_train_filepath_folders_and_tokens_when_raw_is_missing()
    {
        using var dir = new TempDirectory();
        dir.Write("images/val2014/x.jpg", Png);
        dir.Write("images/train2014/y.jpg", Png);
        dir.Write("images/val2014/z.jpg", Png);
        var path = dir.Write("dataset_coco.json", """
            {"dataset":"coco","images":[
              {"filepath":"val2014","filename":"x.jpg","split":"restval","cocoid":42,"sentences":[{"raw":"A dog.","tokens":["a","dog"]}]},
              {"filepath":"train2014","filename":"y.jpg","split":"train","cocoid":7,"sentences":[{"tokens":["two","cats"]},{"raw":"  "}]},
              {"filepath":"val2014","filename":"z.jpg","split":"test","cocoid":9,"sentences":[{"raw":"A bird."}]},
              {"filepath":"val2014","filename":"gone.jpg","split":"val","cocoid":10,"sentences":[{"raw":"Missing."}]}]}
            """u8.ToArray());
        var data = CaptionDataset.Load(path);
        Assert.Equal(3, data.Count);
        Assert.Equal(("42", "train", "A dog."), (data.Images[0].Id, data.Images[0].Split, data.Images[0].Captions[0]));
        Assert.Equal(["two cats"], data.Images[1].Captions);
        Assert.Equal(Path.Combine(dir.Path, "images", "val2014", "z.jpg"), data.Images[2].ImagePath);
        Assert.Contains(data.Warnings, w => w.Contains("gone.jpg not found"));
        Assert.Contains(data.Warnings, w => w.Contains("1 empty sentences"));
    }

    [Fact]
    public void A_karpathy_file_with_a_duplicate_id_is_fatal()
    {
        using var dir = new TempDirectory();
        dir.Write("images/x.jpg", Png);
        var path = dir.Write("dataset_flickr8k.json", """
            {"images":[{"filename":"x.jpg","split":"train","imgid":1,"sentences":[{"raw":"a"}]},
                       {"filename":"x.jpg","split":"train","imgid":1,"sentences":[{"raw":"b"}]}]}
            """u8.ToArray());
        Assert.Contains("image id 1 appears twice", Assert.Throws<SpotlightException>(() => CaptionDataset.Load(path, format: "karpathy")).Message);
    }

    [SkippableFact]
    public void The_real_flickr8k_loads_with_its_official_split()
    {
        var path = SharedData.Find("data/flickr8k");
        Skip.If(path is null, "shared/data/flickr8k is not beside the repository");
        var data = CaptionDataset.Load(path!);
        Assert.Equal(6000, data.Split("train").Count);
        Assert.Equal(1000, data.Split("val").Count);
        Assert.Equal(1000, data.Split("test").Count);
        Assert.All(data.Images, i => Assert.Equal(5, i.Captions.Count));
        Assert.Contains(data.Warnings, w => w.Contains("2258277193_586949ec62.jpg.1"));
    }
}
