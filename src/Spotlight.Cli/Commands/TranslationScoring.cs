using System.Text.Json;
using Spotlight.Metrics;

namespace Spotlight.Cli.Commands;

/// <summary><c>spotlight score --metric sacrebleu|chrf|chrf++ --refs REF.txt [--refs REF2.txt] --hyp HYP.txt</c>.</summary>
public static class TranslationScoring
{
    public static int Run(string metric, IReadOnlyList<string> refs, string? hyp, string tokenize, bool lowercase, bool json)
    {
        if (hyp is null) throw new SpotlightException($"--metric {metric} needs --hyp HYP.txt");
        var (hypotheses, references) = LineAlignedText.ReadAligned(hyp, refs);
        string line;
        double score;
        string signature;
        if (metric == "sacrebleu")
        {
            var tokenizer = tokenize switch
            {
                "13a" => SacreBleuTokenizer.Tok13a,
                "none" => SacreBleuTokenizer.None,
                _ => throw new SpotlightException($"--tokenize {tokenize}: sacreBLEU here supports 13a or none"),
            };
            var result = SacreBleu.Corpus(hypotheses, references, new SacreBleuOptions(Tokenizer: tokenizer, Lowercase: lowercase));
            (line, score, signature) = (result.Format(), result.Score, result.Signature);
        }
        else
        {
            var options = metric == "chrf++" ? ChrFOptions.ChrFPlusPlus : new ChrFOptions();
            var result = ChrF.Corpus(hypotheses, references, options with { Lowercase = lowercase });
            (line, score, signature) = ($"{result.Signature} = {result.Score:F2}", result.Score, result.Signature);
        }
        Console.WriteLine(json ? JsonSerializer.Serialize(new { metric, score, signature, lines = hypotheses.Count }) : line);
        return 0;
    }
}
