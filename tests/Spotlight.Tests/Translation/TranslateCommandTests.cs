using System.Text.Json;
using Spotlight.Cli;

namespace Spotlight.Tests.Translation;

[Collection("Console")]
public class TranslateCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Fact]
    public void Synth_train_translate_and_eval_run_end_to_end()
    {
        using var folder = new TemporaryFolder();
        string F(string name) => Path.Combine(folder.Path, name);
        var synth = Run("translate", "synth", "--task", "sort", "--out", F("data"), "--count", "200", "--min-length", "2", "--max-length", "4", "--symbols", "5");
        Assert.True(synth.Code == 0, synth.Err);
        Assert.Equal(200, File.ReadAllLines(F("data/train.src")).Length);

        var train = Run("translate", "train", "--src", F("data/train.src"), "--tgt", F("data/train.tgt"), "--valid-src", F("data/valid.src"),
            "--valid-tgt", F("data/valid.tgt"), "--out", F("m.spotlight"), "--arch", "transformer", "--size", "tiny", "--bpe-merges", "0",
            "--epochs", "1", "--warmup", "5", "--threads", "1");
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("best model:", train.Out);
        Assert.Contains("\"type\":\"validation\"", File.ReadAllText(F("m.log.jsonl")));

        var translate = Run("translate", F("m.spotlight"), "dca", "ab", "--beam", "3", "--nbest", "2", "--json", "--alignment-out", F("maps"), "--threads", "1");
        Assert.True(translate.Code == 0, translate.Err);
        var lines = translate.Out.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("dca", first.RootElement.GetProperty("source").GetString());
        Assert.Equal(2, first.RootElement.GetProperty("hypotheses").GetArrayLength());
        Assert.True(File.Exists(F("maps/index.html")) && File.Exists(F("maps/sentence0000.png")));

        var eval = Run("translate", "eval", F("m.spotlight"), "--src", F("data/test.src"), "--ref", F("data/test.tgt"), "--json", "--beam", "2", "--threads", "1");
        Assert.True(eval.Code == 0, eval.Err);
        using var scores = JsonDocument.Parse(eval.Out);
        Assert.Equal("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", scores.RootElement.GetProperty("bleu_signature").GetString());
        Assert.Equal(20, scores.RootElement.GetProperty("sentences").GetInt32());
    }

    [Fact]
    public void Misaligned_training_files_fail_with_one_line_naming_them()
    {
        using var folder = new TemporaryFolder();
        var src = Path.Combine(folder.Path, "a.src");
        var tgt = Path.Combine(folder.Path, "a.tgt");
        File.WriteAllText(src, "a\nb\n");
        File.WriteAllText(tgt, "a\n");
        var (code, _, err) = Run("translate", "train", "--src", src, "--tgt", tgt, "--out", Path.Combine(folder.Path, "m.spotlight"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {src} has 2 lines but {tgt} has 1; parallel files must be line-aligned (line i of one translates line i of the other)", err.Trim());
    }

    [Fact]
    public void Translating_with_a_missing_model_is_a_one_line_error()
    {
        var (code, _, err) = Run("translate", "/nonexistent/m.spotlight", "hello");
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("/nonexistent/m.spotlight", err);
    }
}
