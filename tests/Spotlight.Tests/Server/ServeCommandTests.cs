using Spotlight.Cli;

namespace Spotlight.Tests.Server;

/// <summary><c>spotlight serve</c> refuses bad settings with one line and exit code 1, before it listens anywhere.</summary>
[Collection(ServerCollection.Name)]
public class ServeCommandTests(ServerFixture fixture)
{
    [Theory]
    [InlineData("--max-batch 0", "--max-batch must be between 1 and 256, got 0")]
    [InlineData("--urls https://127.0.0.1:8443", "--urls: https://127.0.0.1:8443 needs a certificate: set Kestrel:Certificates:Default:Path")]
    [InlineData("--urls ftp://127.0.0.1:21", "--urls: 'ftp://127.0.0.1:21' is not an http:// or https:// address")]
    [InlineData("--cors-origin https://example.com/path", "--cors-origin: 'https://example.com/path' is not an origin")]
    [InlineData("--timeout-s 0", "--timeout-s must be between 0 and 3600")]
    [InlineData("--max-pixels -1", "--max-pixels must be positive")]
    public void Bad_settings_exit_with_1_and_one_line_naming_the_option(string options, string message)
    {
        var (code, error) = Run(["serve", fixture.ModelPath, .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains("error: " + message, error);
    }

    [Fact]
    public void A_missing_model_file_exits_with_1_and_names_it()
    {
        var missing = Path.Combine(fixture.Directory, "missing.spotlight");
        var (code, error) = Run(["serve", missing]);
        Assert.Equal(1, code);
        Assert.Contains("error: ", error);
        Assert.Contains("missing.spotlight", error);
    }

    [Fact]
    public void A_task_model_of_the_wrong_kind_exits_with_1_before_listening()
    {
        var (code, error) = Run(["serve", fixture.ModelPath, "--translation-model", fixture.ModelPath, "--urls", "http://127.0.0.1:0"]);
        Assert.Equal(1, code);
        Assert.Contains($"{fixture.ModelPath}: holds a 'captioner', not a 'translator'", error);
        (code, error) = Run(["serve", fixture.ModelPath, "--inpainting-model", fixture.ModelPath, "--urls", "http://127.0.0.1:0"]);
        Assert.Equal(1, code);
        Assert.Contains($"{fixture.ModelPath}: holds a 'captioner', not a 'inpainting'", error);
    }

    [Fact]
    public async Task Without_any_model_serve_serves_the_pretrained_captioner()
    {
        Assert.Equal(Spotlight.Captioning.CaptionModel.PretrainedPath, Spotlight.Cli.Commands.ServeCommand.CaptionerToServe(null, otherTasks: false));
        Assert.Null(Spotlight.Cli.Commands.ServeCommand.CaptionerToServe(null, otherTasks: true));
        Assert.Equal("m.spotlight", Spotlight.Cli.Commands.ServeCommand.CaptionerToServe("m.spotlight", otherTasks: false));

        // What it then serves: the shipped model answers a sample photo as the library captions it.
        using var model = Spotlight.Captioning.CaptionModel.LoadPretrained();
        var photo = Path.Combine(Spotlight.Tests.Captioning.PretrainedCaptionerTests.Repository, "samples", "chelsea.png");
        var expected = model.Caption(photo);
        await using var server = await TestHostHandle.InMemoryAsync(new Spotlight.Server.CaptionModelBackend(model, Spotlight.Captioning.CaptionModel.PretrainedPath));
        var json = await Http.AssertCaption(await Http.PostRaw(server.Client, File.ReadAllBytes(photo), "image/png", ""));
        Http.AssertSameCaption(expected, json, 1e-4);
    }

    [Fact]
    public void A_task_model_without_a_captioner_is_loaded_as_the_only_model()
    {
        // No MODEL: the translator is loaded (and refused for its kind) instead of the command asking for a captioner.
        var (code, error) = Run(["serve", "--translation-model", fixture.ModelPath, "--urls", "http://127.0.0.1:0"]);
        Assert.Equal(1, code);
        Assert.Contains($"{fixture.ModelPath}: holds a 'captioner', not a 'translator'", error);
        Assert.DoesNotContain("Required argument missing", error);
    }

    internal static (int Code, string Error) Run(string[] args)
    {
        var (code, _, error) = CliHarness.Run(args);
        return (code, error);
    }
}
