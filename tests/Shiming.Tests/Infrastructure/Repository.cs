using System.Runtime.CompilerServices;

namespace Shiming.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding <c>Shiming.slnx</c>.</summary>
    public static string Root => RootPath.Value;

    // The build output is usually inside the checkout, but an artifacts folder can be anywhere; the path this
    // file was compiled from, then the working directory, are the fallbacks.
    private static string FindRoot()
    {
        string?[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(SourcePath()), Environment.CurrentDirectory];
        foreach (var start in starts)
        {
            for (var directory = start is null ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Shiming.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"No folder holding Shiming.slnx above {AppContext.BaseDirectory}, this source file or the working directory.");
    }

    private static string SourcePath([CallerFilePath] string path = "") => path;
}
