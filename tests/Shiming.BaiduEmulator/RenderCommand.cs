using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>render-cards --count N --out DIR [--seed N] [--degraded]</c>: writes card renders for recognition (fields drawn
/// as text, no ground truth inside) and their <c>truth.json</c>, and prints only the folder.
/// </summary>
internal static class RenderCommand
{
    public const string Name = "render-cards";

    private const string Usage = "usage: render-cards --count N --out DIR [--seed N] [--degraded]";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        int? count = null;
        string? directory = null;
        var seed = 1;
        var degraded = false;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--count" when int.TryParse(value, CultureInfo.InvariantCulture, out var parsed) && parsed > 0:
                    count = parsed;
                    i++;
                    break;
                case "--out" when value is not null:
                    directory = value;
                    i++;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var parsed):
                    seed = parsed;
                    i++;
                    break;
                case "--degraded":
                    degraded = true;
                    break;
                default:
                    error.WriteLine($"{Name}: unexpected argument '{args[i]}'.");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        if (count is null || string.IsNullOrEmpty(directory))
        {
            error.WriteLine(Usage);
            return 2;
        }

        var fullPath = Path.GetFullPath(directory);
        CardRenderSet.Write(fullPath, count.Value, seed, degraded);

        // The folder only: the people are made up, but this output ends up in logs all the same.
        output.WriteLine(fullPath);
        return 0;
    }
}
