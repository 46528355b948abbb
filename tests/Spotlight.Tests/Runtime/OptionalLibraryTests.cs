using Spotlight.Inpainting;
using Spotlight.Runtime;
using Spotlight.Vision;

namespace Spotlight.Tests.Runtime;

public sealed class OptionalLibraryTests
{
    private static OptionalLibrary Absent(string reason) =>
        new("Libfoo", "the foo features", ["libfoo1", "libbar2"], () => reason);

    [Fact]
    public void A_missing_library_gives_one_line_naming_it_what_needs_it_and_the_packages()
    {
        var library = Absent("libbar.so.2: cannot open shared object file: No such file or directory");
        Assert.False(library.IsAvailable);
        var e = Assert.Throws<SpotlightException>(library.Require);
        Assert.Equal("Libfoo is not available (libbar.so.2: cannot open shared object file: No such file or directory); "
            + "the foo features need it. On Debian/Ubuntu: apt-get install -y --no-install-recommends libfoo1 libbar2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_test_that_needs_a_missing_library_reports_itself_skipped_with_the_reason()
    {
        var e = Assert.Throws<SkipException>(() => Requires.Library(Absent("gone")));
        Assert.Equal("Libfoo is not available (gone); the foo features need it. On Debian/Ubuntu: apt-get install -y --no-install-recommends libfoo1 libbar2", e.Message);
    }

    [Fact]
    public void The_probe_runs_once_and_hiding_lasts_only_until_disposed()
    {
        int probes = 0;
        var library = new OptionalLibrary("Libfoo", "the foo features", ["libfoo1"], () => { probes++; return null; });
        Assert.True(library.IsAvailable);
        using (library.Hide())
        {
            Assert.False(library.IsAvailable);
            Assert.Contains("hidden", library.MissingMessage);
        }
        Assert.True(library.IsAvailable);
        Assert.Equal(1, probes);
    }

    [Fact]
    public void The_loader_reason_is_the_missing_dependency_not_the_list_of_paths_tried()
    {
        // The shape of .NET's message when libOpenCvSharpExtern.so exists but one of its dependencies does not.
        var inner = new DllNotFoundException("Unable to load shared library 'OpenCvSharpExtern' or one of its dependencies.\n"
            + "/app/runtimes/linux-x64/native/OpenCvSharpExtern.so: cannot open shared object file: No such file or directory\n"
            + "libgtk-3.so.0: cannot open shared object file: No such file or directory\n"
            + "/usr/share/dotnet/libOpenCvSharpExtern: cannot open shared object file: No such file or directory");
        var e = new TypeInitializationException("OpenCvSharp.Internal.NativeMethods", inner);
        Assert.Equal("libgtk-3.so.0: cannot open shared object file: No such file or directory", OptionalLibrary.LoaderReason(e, "OpenCvSharpExtern"));
    }

    [Fact]
    public void Without_OpenCV_its_methods_fail_with_the_one_line_and_mean_fill_still_works()
    {
        using var hidden = ClassicalInpainting.OpenCv.Hide();
        var image = new RgbImage(8, 8, new byte[8 * 8 * 3]);
        var hole = MaskGenerator.Centre(8);
        var e = Assert.Throws<SpotlightException>(() => ClassicalInpainting.Fill(image, hole, ClassicalMethod.Telea));
        Assert.StartsWith("OpenCV is not available (hidden for this check)", e.Message);
        Assert.Throws<SpotlightException>(() => InpaintingEvaluation.Baselines());
        Assert.Equal(image.Data, ClassicalInpainting.Fill(image, hole, ClassicalMethod.MeanFill).Data);
    }
}
