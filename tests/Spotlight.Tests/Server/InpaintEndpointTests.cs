using System.Net;
using System.Net.Http.Headers;
using Spotlight.Inpainting;
using Spotlight.Vision;

namespace Spotlight.Tests.Server;

[Collection(ServerCollection.Name)]
public class InpaintEndpointTests(ServerFixture fixture, TaskModelsFixture tasks) : IClassFixture<TaskModelsFixture>
{
    private static Task<HttpResponseMessage> PostForm(HttpClient client, byte[] image, byte[]? mask, string query = "")
    {
        var form = new MultipartFormDataContent();
        var imagePart = new ByteArrayContent(image);
        imagePart.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        form.Add(imagePart, "image", "photo.png");
        if (mask is not null)
        {
            var maskPart = new ByteArrayContent(mask);
            maskPart.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
            form.Add(maskPart, "mask", "mask.png");
        }
        return client.PostAsync("/v1/inpaint" + query, form);
    }

    /// <summary>What <c>spotlight inpaint</c> writes for the same files.</summary>
    private byte[] CliPng(string? maskPath, int[]? box)
    {
        var (image, hole) = InpaintingInput.Load(tasks.PhotoPath, maskPath, box, tasks.Inpainter.ImageSize);
        return AttentionReport.Png(tasks.Inpainter.Fill(image, hole).Composite);
    }

    private static async Task<byte[]> Png(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task Image_and_mask_give_the_png_the_cli_writes()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        var response = await PostForm(server.Client, tasks.Photo, tasks.Mask);
        var png = await Png(response);
        Assert.Equal(CliPng(tasks.MaskPath, null), png);
        var ratio = double.Parse(response.Headers.GetValues("X-Spotlight-Hole-Ratio").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ratio, 0.05, 0.5);
        Assert.Equal(tasks.Models.Inpainting!.Info.Id, response.Headers.GetValues("X-Spotlight-Model").Single());
    }

    [Fact]
    public async Task A_raw_image_with_a_box_fills_the_box_and_keeps_the_known_pixels()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        var content = new ByteArrayContent(tasks.Photo);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("image/png");
        var png = await Png(await server.Client.PostAsync("/v1/inpaint?box=4,4,12,12", content));
        Assert.Equal(CliPng(null, [4, 4, 12, 12]), png);

        using var filled = ImageDecoder.Decode(png, "filled");
        using var original = ImageDecoder.Decode(tasks.Photo, "photo");
        var input = ImagePipeline.ResizeAndCrop(original, new ImagePreprocessing(16));
        var (_, hole) = InpaintingInput.Load(tasks.PhotoPath, null, [4, 4, 12, 12], 16);
        int known = 0;
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
            {
                if (hole[x, y]) continue;
                known++;
                var pixel = filled.GetPixel(x, y);
                int i = 3 * (y * 16 + x);
                Assert.Equal((input.Data[i], input.Data[i + 1], input.Data[i + 2]), (pixel.Red, pixel.Green, pixel.Blue));
            }
        Assert.True(known > 100, $"only {known} known pixels");
    }

    [Fact]
    public async Task Json_answers_carry_the_png_and_the_offset_flow_picture()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        var json = await Http.Json(await PostForm(server.Client, tasks.Photo, tasks.Mask, "?format=json&attention=true"));
        Assert.Equal(CliPng(tasks.MaskPath, null), Convert.FromBase64String(json.GetProperty("image_png").GetString()!));
        using var flow = ImageDecoder.Decode(Convert.FromBase64String(json.GetProperty("offset_flow_png").GetString()!), "flow");
        Assert.Equal((16, 16), (flow.Width, flow.Height));
        Assert.Equal(16, json.GetProperty("size").GetInt32());
        Assert.True(json.GetProperty("timings").GetProperty("model_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Bad_masks_and_images_get_problems_and_the_server_keeps_filling()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend, models: tasks.Models);
        var c = server.Client;
        var wrongSize = TaskModelsFixture.MaskPng(20, 24, (x, y) => x < 5);
        var empty = TaskModelsFixture.MaskPng(24, 24, (_, _) => false);
        var full = TaskModelsFixture.MaskPng(24, 24, (_, _) => true);
        var mismatch = await Http.AssertProblem(await PostForm(c, tasks.Photo, wrongSize), HttpStatusCode.UnprocessableEntity, "bad-mask");
        Assert.Contains("mask is 20x24 but the image is 24x24", mismatch.GetProperty("detail").GetString());
        await Http.AssertProblem(await PostForm(c, tasks.Photo, empty), HttpStatusCode.UnprocessableEntity, "bad-mask");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, full), HttpStatusCode.UnprocessableEntity, "bad-mask");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, null), HttpStatusCode.BadRequest, "missing-image");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, tasks.Mask, "?box=1,1,4,4"), HttpStatusCode.BadRequest, "bad-setting");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, null, "?box=1,1,4"), HttpStatusCode.BadRequest, "bad-parameter");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, null, "?box=1,x,4,4"), HttpStatusCode.BadRequest, "bad-parameter");
        var outside = await Http.AssertProblem(await PostForm(c, tasks.Photo, null, "?box=20,20,10,10"), HttpStatusCode.UnprocessableEntity, "bad-mask");
        Assert.Contains("box=20,20,10,10 does not lie inside the 24x24 image", outside.GetProperty("detail").GetString());
        await Http.AssertProblem(await PostForm(c, tasks.Photo, tasks.Mask, "?attention=true"), HttpStatusCode.BadRequest, "bad-parameter");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, tasks.Mask, "?beam=3"), HttpStatusCode.BadRequest, "bad-parameter");

        var truncated = tasks.Photo[..(tasks.Photo.Length / 2)];
        await Http.AssertProblem(await PostForm(c, truncated, tasks.Mask), HttpStatusCode.UnprocessableEntity, "undecodable-image");
        await Http.AssertProblem(await PostForm(c, "not an image at all"u8.ToArray(), tasks.Mask), HttpStatusCode.UnsupportedMediaType, "not-an-image");
        await Http.AssertProblem(await PostForm(c, tasks.Photo, truncated), HttpStatusCode.UnprocessableEntity, "undecodable-image");

        Assert.Equal(CliPng(tasks.MaskPath, null), await Png(await PostForm(c, tasks.Photo, tasks.Mask)));
    }

    [Fact]
    public async Task Without_an_inpainting_model_the_endpoint_says_how_to_start_one()
    {
        await using var server = await TestHostHandle.InMemoryAsync(fixture.Backend);
        var problem = await Http.AssertProblem(await PostForm(server.Client, tasks.Photo, tasks.Mask), HttpStatusCode.NotFound, "not-found");
        Assert.Contains("--inpainting-model", problem.GetProperty("detail").GetString());
    }
}
