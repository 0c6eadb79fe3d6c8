using System.Globalization;

namespace Shiming.BaiduEmulator;

/// <summary>
/// <c>render-document --out FILE [--seed N] [--without-truth]</c> writes a made-up referral letter or prescription for
/// the text OCR APIs; <c>render-moderation --out FILE --verdict compliant|non_compliant|suspected|failed [--seed N]</c>
/// writes a picture carrying the moderation verdict it is to get. Both print only the file's path.
/// </summary>
internal static class SampleCommands
{
    public const string DocumentName = "render-document";
    public const string ModerationName = "render-moderation";

    private const string DocumentUsage = "usage: render-document --out FILE [--seed N] [--without-truth]";
    private const string ModerationUsage = "usage: render-moderation --out FILE --verdict compliant|non_compliant|suspected|failed [--seed N]";

    public static int RunDocument(string[] args, TextWriter output, TextWriter error)
    {
        var (path, seed, verdict, withoutTruth, ok) = Parse(args, DocumentName, allowVerdict: false, error);
        if (!ok || path is null)
        {
            error.WriteLine(DocumentUsage);
            return 2;
        }

        var (png, _) = SyntheticDocuments.Render(SyntheticDocuments.Create(new Random(seed ?? Random.Shared.Next())), embedTruth: !withoutTruth);
        return Write(path, png, output);
    }

    public static int RunModeration(string[] args, TextWriter output, TextWriter error)
    {
        var (path, seed, verdict, _, ok) = Parse(args, ModerationName, allowVerdict: true, error);
        var truth = verdict is null ? null : SyntheticModerationImages.ForVerdict(verdict);
        if (!ok || path is null || truth is null)
        {
            error.WriteLine(ModerationUsage);
            return 2;
        }

        return Write(path, SyntheticModerationImages.Render(truth, seed ?? 1), output);
    }

    private static (string? Path, int? Seed, string? Verdict, bool WithoutTruth, bool Ok) Parse(string[] args, string name, bool allowVerdict, TextWriter error)
    {
        string? path = null;
        string? verdict = null;
        int? seed = null;
        var withoutTruth = false;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--out" when value is not null:
                    path = value;
                    i++;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var parsed):
                    seed = parsed;
                    i++;
                    break;
                case "--verdict" when allowVerdict && value is not null:
                    verdict = value;
                    i++;
                    break;
                case "--without-truth" when !allowVerdict:
                    withoutTruth = true;
                    break;
                default:
                    error.WriteLine($"{name}: unexpected argument '{args[i]}'.");
                    return (null, null, null, false, false);
            }
        }

        return (path, seed, verdict, withoutTruth, true);
    }

    private static int Write(string path, byte[] image, TextWriter output)
    {
        var fullPath = Path.GetFullPath(path);
        if (Path.GetDirectoryName(fullPath) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(fullPath, image);
        output.WriteLine(fullPath);
        return 0;
    }
}
