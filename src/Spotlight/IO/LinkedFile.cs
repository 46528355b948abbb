namespace Spotlight.IO;

/// <summary>
/// The file a path names, with symbolic links followed. On Unix .NET's <see cref="FileInfo"/> describes a link itself:
/// its <c>Length</c> is the length of the target's path, so a size read from it (to bound a read) is wrong for a folder
/// of links to photos, a common way to assemble a data set.
/// </summary>
public static class LinkedFile
{
    /// <summary>The final target of <paramref name="path"/>; for a dangling link or a loop of links, a file that does not exist.</summary>
    public static FileInfo Resolve(string path)
    {
        var file = new FileInfo(path);
        if (file.LinkTarget is null) return file;
        var missing = new FileInfo(Path.Combine(path, "missing"));   // nothing exists under a link's name taken as a folder
        try
        {
            return file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? missing;
        }
        catch (IOException)
        {
            return missing;
        }
    }
}
