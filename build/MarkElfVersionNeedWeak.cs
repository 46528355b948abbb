using System;
using System.IO;
using System.Text;

// Compiled by MSBuild's RoslynCodeTaskFactory (see TorchSharpNativeFix.targets); plain C# over a byte array.
public class MarkElfVersionNeedWeak : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = [];
    [Microsoft.Build.Framework.Required] public string VersionName { get; set; } = "";

    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        "/lib64/libstdc++.so.6", "/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        if (SystemLibStdCxxHas(VersionName))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                $"System libstdc++ provides {VersionName}; TorchSharp natives left as they are.");
            return true;
        }
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var result = Patch(path, VersionName);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"{path}: {result}");
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException || e is OverflowException)
            {
                Log.LogError($"{path}: cannot mark {VersionName} weak: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    public static bool SystemLibStdCxxHas(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var candidate in LibStdCxxCandidates)
        {
            if (!File.Exists(candidate)) continue;
            var bytes = File.ReadAllBytes(candidate);
            if (IndexOf(bytes, needle) >= 0) return true;
            return false; // the first one found is the one the loader uses on the usual layouts
        }
        return false;
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/>; temp file then rename.</summary>
    public static string Patch(string path, string version)
    {
        var elf = File.ReadAllBytes(path);
        var flagOffsets = FindVernauxFlags(elf, version);
        if (flagOffsets.Count == 0) return $"no need for {version}; unchanged";
        bool changed = false;
        foreach (int at in flagOffsets)
        {
            int flags = U16(elf, at);
            if ((flags & VerFlgWeak) != 0) continue;
            flags |= VerFlgWeak;
            elf[at] = (byte)(flags & 0xff);
            elf[at + 1] = (byte)(flags >> 8);
            changed = true;
        }
        if (!changed) return $"{version} already weak; unchanged";
        var stamp = File.GetLastWriteTimeUtc(path);
        var temp = path + ".spotlight-tmp";
        File.WriteAllBytes(temp, elf);
        File.Replace(temp, path, null);   // rename over the original: readers never see half a file
        // Keep the timestamp so incremental copies see the file as unchanged and do not overwrite the fix.
        File.SetLastWriteTimeUtc(path, stamp);
        return $"marked {version} weak";
    }

    /// <summary>The vna_flags of every Vernaux entry named <paramref name="version"/> (empty when none).</summary>
    public static System.Collections.Generic.List<int> FlagsOf(string path, string version)
    {
        var elf = File.ReadAllBytes(path);
        var result = new System.Collections.Generic.List<int>();
        foreach (int at in FindVernauxFlags(elf, version)) result.Add(U16(elf, at));
        return result;
    }

    /// <summary>
    /// Walks the SHT_GNU_verneed sections (Verneed entries, each with a list of Vernaux entries) and returns the file
    /// offsets of the 16-bit vna_flags of the entries whose name is <paramref name="version"/>. Every read is bounds
    /// checked, so a malformed file is an <see cref="InvalidDataException"/>, never an out-of-range read.
    /// </summary>
    public static System.Collections.Generic.List<int> FindVernauxFlags(byte[] elf, string version)
    {
        Require(elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F', "not an ELF file");
        Require(elf[4] == 2 && elf[5] == 1, "only 64-bit little-endian ELF is handled");
        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        Require(shentsize >= 64 && shoff + (ulong)shentsize * (ulong)shnum <= (ulong)elf.Length, "section headers out of bounds");

        var found = new System.Collections.Generic.List<int>();
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            long secOff = (long)U64(elf, sh + 0x18), secEnd = secOff + (long)U64(elf, sh + 0x20);
            int link = (int)U32(elf, sh + 0x28);
            int entries = (int)U32(elf, sh + 0x2C);
            Require(secOff >= 0 && secEnd <= elf.Length && link < shnum, "version-needed section out of bounds");
            int strSh = checked((int)shoff + link * shentsize);
            long strOff = (long)U64(elf, strSh + 0x18), strSize = (long)U64(elf, strSh + 0x20);
            Require(strOff >= 0 && strOff + strSize <= elf.Length, "string table out of bounds");

            long vn = secOff;
            for (int e = 0; e < entries; e++)
            {
                Require(vn >= secOff && vn + 16 <= secEnd, "Verneed entry out of bounds");
                int count = U16(elf, (int)vn + 2);
                long vna = vn + U32(elf, (int)vn + 8);
                for (int a = 0; a < count; a++)
                {
                    Require(vna >= secOff && vna + 16 <= secEnd, "Vernaux entry out of bounds");
                    if (CStringEquals(elf, (int)strOff, (int)strSize, (int)U32(elf, (int)vna + 8), version))
                        found.Add((int)vna + 4);
                    uint next = U32(elf, (int)vna + 12);
                    if (next == 0) break;
                    vna += next;
                }
                uint nextVn = U32(elf, (int)vn + 12);
                if (nextVn == 0) break;
                vn += nextVn;
            }
        }
        return found;
    }

    private static bool CStringEquals(byte[] elf, int strOff, int strSize, int nameOff, string expected)
    {
        if (nameOff < 0 || (long)nameOff + expected.Length >= strSize) return false;
        int p = strOff + nameOff;
        for (int i = 0; i < expected.Length; i++)
            if (elf[p + i] != (byte)expected[i]) return false;
        return elf[p + expected.Length] == 0;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new InvalidDataException(message);
    }

    private static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
    private static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    private static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
}
