using System.Text;

namespace Spotlight.Tests.Build;

/// <summary>The build step that lets TorchSharp load on Debian 12 (see docs/torchsharp-on-debian.md).</summary>
public class ElfVersionPatchTests : IDisposable
{
    private const string Needed = "GLIBCXX_3.4.32";
    private readonly string dir = Directory.CreateTempSubdirectory("spotlight-elf-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Patch_marks_only_the_named_version_weak_and_is_idempotent()
    {
        var path = Path.Combine(dir, "lib.so");
        File.WriteAllBytes(path, TinyElf());
        long size = new FileInfo(path).Length;

        Assert.Equal("marked GLIBCXX_3.4.32 weak", MarkElfVersionNeedWeak.Patch(path, Needed));
        Assert.Equal(new[] { 0x2 }, MarkElfVersionNeedWeak.FlagsOf(path, Needed));
        Assert.Equal(new[] { 0x0 }, MarkElfVersionNeedWeak.FlagsOf(path, "GLIBCXX_3.4.30"));
        Assert.Equal(size, new FileInfo(path).Length);

        Assert.Equal("GLIBCXX_3.4.32 already weak; unchanged", MarkElfVersionNeedWeak.Patch(path, Needed));
        Assert.False(File.Exists(path + ".spotlight-tmp"));
    }

    [Fact]
    public void A_library_without_the_version_is_left_alone()
    {
        var path = Path.Combine(dir, "lib.so");
        File.WriteAllBytes(path, TinyElf());
        var before = File.ReadAllBytes(path);
        Assert.Equal("no need for GLIBCXX_9.9.9; unchanged", MarkElfVersionNeedWeak.Patch(path, "GLIBCXX_9.9.9"));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(100)]
    public void Truncated_or_foreign_files_are_rejected_not_read_out_of_bounds(int keep)
    {
        var elf = TinyElf();
        Assert.Throws<InvalidDataException>(() => MarkElfVersionNeedWeak.FindVernauxFlags(elf[..keep], Needed));
        Assert.Throws<InvalidDataException>(() => MarkElfVersionNeedWeak.FindVernauxFlags(Encoding.ASCII.GetBytes(new string('x', 200)), Needed));
    }

    [Fact]
    public void Section_pointing_past_the_end_is_rejected()
    {
        var elf = TinyElf();
        // Section header 2 (the verneed section) starts at e_shoff + 2*64; its sh_offset is at +0x18.
        int sh2 = (int)BitConverter.ToUInt64(elf, 0x28) + 2 * 64;
        BitConverter.GetBytes((ulong)elf.Length + 8).CopyTo(elf, sh2 + 0x18);
        Assert.Throws<InvalidDataException>(() => MarkElfVersionNeedWeak.FindVernauxFlags(elf, Needed));
    }

    [Fact]
    public void The_TorchSharp_native_beside_the_tests_was_fixed_by_the_build_when_the_system_needs_it()
    {
        if (!OperatingSystem.IsLinux()) return;   // the fix is Linux-only by design
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(native), $"{native} is missing");
        var flags = MarkElfVersionNeedWeak.FlagsOf(native, Needed);
        Assert.NotEmpty(flags);   // TorchSharp 0.107 does declare the need; if a later version drops it, revisit the fix
        bool systemHasIt = MarkElfVersionNeedWeak.SystemLibStdCxxHas(Needed);
        Assert.All(flags, f => Assert.Equal(!systemHasIt, (f & 0x2) != 0));
    }

    /// <summary>
    /// A minimal ELF64 with a .dynstr and a .gnu.version_r section: one Verneed (libstdc++.so.6) with two Vernaux
    /// entries, GLIBCXX_3.4.32 then GLIBCXX_3.4.30, laid out as the System V gABI and the GNU versioning spec say.
    /// </summary>
    private static byte[] TinyElf()
    {
        var strtab = Encoding.ASCII.GetBytes("\0libstdc++.so.6\0GLIBCXX_3.4.32\0GLIBCXX_3.4.30\0");
        int nameLib = 1, name32 = 16, name30 = 31;
        var verneed = new byte[48];
        void Put16(byte[] b, int o, int v) => BitConverter.GetBytes((ushort)v).CopyTo(b, o);
        void Put32(byte[] b, int o, uint v) => BitConverter.GetBytes(v).CopyTo(b, o);
        Put16(verneed, 0, 1); Put16(verneed, 2, 2); Put32(verneed, 4, (uint)nameLib); Put32(verneed, 8, 16); Put32(verneed, 12, 0);
        Put32(verneed, 16, 0); Put16(verneed, 20, 0); Put16(verneed, 22, 2); Put32(verneed, 24, (uint)name32); Put32(verneed, 28, 16);
        Put32(verneed, 32, 0); Put16(verneed, 36, 0); Put16(verneed, 38, 3); Put32(verneed, 40, (uint)name30); Put32(verneed, 44, 0);

        int strOff = 64, verOff = 64 + ((strtab.Length + 7) / 8 * 8), shOff = verOff + verneed.Length;
        var elf = new byte[shOff + 3 * 64];
        elf[0] = 0x7f; elf[1] = (byte)'E'; elf[2] = (byte)'L'; elf[3] = (byte)'F'; elf[4] = 2; elf[5] = 1; elf[6] = 1;
        BitConverter.GetBytes((ulong)shOff).CopyTo(elf, 0x28);
        Put16(elf, 0x3A, 64); Put16(elf, 0x3C, 3);
        strtab.CopyTo(elf, strOff);
        verneed.CopyTo(elf, verOff);
        void Section(int index, uint type, int offset, int size, uint link, uint info)
        {
            int h = shOff + index * 64;
            Put32(elf, h + 4, type);
            BitConverter.GetBytes((ulong)offset).CopyTo(elf, h + 0x18);
            BitConverter.GetBytes((ulong)size).CopyTo(elf, h + 0x20);
            Put32(elf, h + 0x28, link); Put32(elf, h + 0x2C, info);
        }
        Section(1, 3 /* SHT_STRTAB */, strOff, strtab.Length, 0, 0);
        Section(2, 0x6ffffffe /* SHT_GNU_verneed */, verOff, verneed.Length, 1, 1);
        return elf;
    }
}
