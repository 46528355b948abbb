using System.Text;
using Spotlight.Vision;

namespace Spotlight.Reports;

/// <summary>
/// The colormap of <see cref="Colormap"/> for a page's script: a JavaScript function <c>viridis(t)</c> → [r, g, b]
/// that looks its colour up in a table made here from <see cref="Colormap.Viridis"/>, so a page draws with the same
/// numbers as the PNG overlays (at <see cref="Levels"/> levels).
/// </summary>
public static class ColormapScript
{
    public const int Levels = 256;

    /// <summary><c>const viridisTable = [[68,1,84],…]; function viridis(t) {…}</c> (t clamped to [0, 1], NaN as 0, as in C#).</summary>
    public static string Viridis()
    {
        var table = new StringBuilder("const viridisTable=[");
        for (int i = 0; i < Levels; i++)
        {
            var (r, g, b) = Colormap.Viridis(i / (float)(Levels - 1));
            table.Append(i == 0 ? "" : ",").Append('[').Append(r).Append(',').Append(g).Append(',').Append(b).Append(']');
        }
        return table.Append("];function viridis(t){t=Number.isNaN(t)?0:Math.min(1,Math.max(0,t));")
            .Append($"return viridisTable[Math.round(t*{Levels - 1})];}}").ToString();
    }
}
