using System.Globalization;

namespace Spotlight.Metrics;

/// <summary>
/// A BLEU score with the numbers sacreBLEU reports beside it. <see cref="Score"/> and <see cref="Precisions"/> are
/// percentages (0..100). With add-k smoothing, <see cref="Counts"/> and <see cref="Totals"/> of orders 2 and up
/// include the added k, as sacreBLEU's do.
/// </summary>
public sealed record SacreBleuResult(
    double Score,
    IReadOnlyList<double> Counts,       // matched n-grams per order 1..N (clipped by the references)
    IReadOnlyList<double> Totals,       // hypothesis n-grams per order 1..N
    IReadOnlyList<double> Precisions,   // smoothed precisions, percent
    double BrevityPenalty,
    int SysLen,                         // hypothesis tokens in the corpus
    int RefLen,                         // closest reference lengths summed over segments
    string Signature,                   // e.g. nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0
    string ShortSignature)              // e.g. #:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0
{
    /// <summary>sys_len / ref_len, or 0 when there is no reference text.</summary>
    public double Ratio => RefLen != 0 ? (double)SysLen / RefLen : 0.0;

    /// <summary>sacreBLEU's one-line report: <c>BLEU|signature = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ...)</c>.</summary>
    public string Format(int width = 2)
    {
        var inv = CultureInfo.InvariantCulture;
        string precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", inv)));
        return $"BLEU|{Signature} = {Score.ToString("F" + width, inv)} {precisions} " +
               $"(BP = {BrevityPenalty.ToString("F3", inv)} ratio = {Ratio.ToString("F3", inv)} " +
               $"hyp_len = {SysLen} ref_len = {RefLen})";
    }

    public override string ToString() => Format();
}
